"""What a coordinator's own hand in pairs (a proposal by hand, a nudge) and their round previews need
beyond ``ports``."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.round_preview import PlannedPreview, PoolMember, PreviewOrder


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


class PreviewPool(Protocol):
    async def members(self, program_id: str) -> Sequence[PoolMember]:
        """Active candidates of the program with room left, in join order."""
        ...

    async def candidates(self, participant_ids: Sequence[UUID]) -> Sequence[Candidate]:
        """These candidates as stored, each with the profile version read with it (any order)."""
        ...


class PreviewLedger(PreviewPool, Protocol):
    async def begin(
        self, institution: str, preview_id: UUID, order: PreviewOrder, candidate: bool, policy_version: int
    ) -> UUID | None:
        """Records a running preview; the one already running in the program instead, if any."""
        ...

    async def planned_for_update(self, program_id: str, preview_id: UUID) -> PlannedPreview | None:
        """The program's preview, its row locked until commit."""
        ...

    async def pool_digest(self, program_id: str) -> str:
        """``round_preview.pool_digest`` of the program's pool as it is now."""
        ...

    async def mark_stale(self, preview_id: UUID, reason: str) -> None: ...
    async def mark_published(self, preview_id: UUID, match_ids: list[UUID], at: datetime) -> None: ...
