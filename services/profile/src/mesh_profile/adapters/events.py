"""The events the profile service consumes, and the use case each one drives."""

from mentoring_contracts import ParticipantErasureConfirmed
from mesh_profile.application.erase_participant import confirm_erasure
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_runtime.handlers import HandlerTable


async def on_erasure_confirmed(uow: ProfileUnitOfWork, event: ParticipantErasureConfirmed) -> None:
    """A service confirmed its erasure (the consumer has checked it is that service's own)."""
    await confirm_erasure(uow, event)


HANDLERS: HandlerTable = {ParticipantErasureConfirmed: on_erasure_confirmed}
