"""Use case: a participant was erased; matching forgets who they were and keeps what counts.

Here, what matching does and strips, step by step; the runtime runs the steps (``mesh_runtime.erasures``)
on their ``ParticipantErased``, remembering it at the service's time (an event that would store them
again, read after it, is ignored: ``register_candidate``, ``follow_profile_update``), purging published
events about them and confirming, whether or not matching held anything of them."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from mesh_matching.application.places import withdraw
from mesh_matching.application.ports import MatchingUnitOfWork

SERVICE = "matching"
ERASED_REASON = "participant's data was erased"

# (what the confirmation lists when the step found something, None: never listed; the step)
Step = tuple[str | tuple[str, ...] | None, Callable[[MatchingUnitOfWork, UUID], Awaitable[object]]]


async def withdraw_erased(uow: MatchingUnitOfWork, participant_id: UUID) -> None:
    """Active matches end and places free (partners are offered a rematch at once)."""
    if (candidate := await uow.candidates.get(participant_id)) is not None:
        await withdraw(uow, participant_id, candidate.program_id, ERASED_REASON, uow.clock.now())


# The profile's personal data and the reasons that quote it go; scores, parts and dates stay for the
# program's statistics. Nothing is written for someone already anonymised (a redelivered erasure).
ERASURE_STEPS: tuple[Step, ...] = (
    (None, withdraw_erased),
    (("name and email", "profile free text", "account link"), lambda uow, erased: uow.candidates.anonymise(erased)),
    ("match reasons and the reasons given for declining or ending", lambda uow, erased: uow.matches.redact_reasons(erased)),
)
