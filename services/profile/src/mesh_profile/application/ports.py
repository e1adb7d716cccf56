"""What the use cases need from the outside world."""

from typing import Protocol
from uuid import UUID

from mentoring_contracts import Event
from mesh_profile.domain.participant import Participant


class Participants(Protocol):
    async def add(self, participant: Participant) -> None: ...
    async def get(self, participant_id: UUID) -> Participant | None: ...
    async def get_for_update(self, participant_id: UUID) -> Participant | None: ...
    async def save(self, participant: Participant) -> None: ...
    async def find_by_email(self, program_id: str, email_key: str) -> Participant | None: ...


class ProfileUnitOfWork(Protocol):
    """One transaction: changes and emitted events commit together or not at all."""

    participants: Participants

    async def emit(self, event: Event) -> object: ...
