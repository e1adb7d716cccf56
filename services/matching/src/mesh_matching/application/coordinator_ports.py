"""What a coordinator's own hand in pairs (a proposal by hand, a nudge) needs beyond ``ports``."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Participation:
    program_id: str
    active: bool
    capacity: int
    used: int

    @property
    def room(self) -> int:
        return self.capacity - self.used if self.active else 0


@dataclass(frozen=True, slots=True)
class Between:
    """A match two people had with each other."""

    match_id: UUID
    status: str
    arranged_by: str | None
    proposed_at: datetime


@dataclass(frozen=True, slots=True)
class Nudge:
    nudge_id: UUID
    match_id: UUID
    program_id: str
    nudged_by: str  # coordinator or admin
    message: str | None
    dormant: bool
    nudged_at: datetime


class HandPairings(Protocol):
    async def participation(self, participant_id: UUID) -> Participation | None: ...
    async def roles_held(self, participant_id: UUID) -> list[str]:
        """Their role in each open match holding one of their places."""
        ...

    async def between(self, a: UUID, b: UUID) -> list[Between]:
        """Their matches with each other, newest first."""
        ...

    async def mark_arranged(self, match_id: UUID, arranged_by: str, note: str | None) -> None: ...
    async def dormant(self, match_id: UUID) -> bool: ...
    async def last_nudged_at(self, match_id: UUID) -> datetime | None: ...
    async def add_nudge(self, nudge: Nudge) -> None: ...
