"""What the scheduling use cases need from the outside world."""

from datetime import datetime
from typing import Protocol
from uuid import UUID

from mentoring_contracts import Event
from mesh_scheduling.domain.pair import Pair
from mesh_scheduling.domain.session import Session


class Pairs(Protocol):
    async def add(self, pair: Pair) -> bool: ...
    async def get(self, match_id: UUID) -> Pair | None: ...
    async def mark_unschedulable(self, match_id: UUID, reason: str) -> None: ...
    async def mark_ended(self, match_id: UUID, when: datetime) -> None: ...


class Sessions(Protocol):
    async def add(self, session: Session) -> None: ...
    async def get_for_update(self, session_id: UUID) -> Session | None: ...
    async def save(self, session: Session) -> None: ...
    async def upcoming_for_update(self, match_id: UUID, now: datetime) -> list[Session]: ...


class SchedulingUnitOfWork(Protocol):
    pairs: Pairs
    sessions: Sessions

    async def emit(self, event: Event) -> object: ...
