"""A session of a pair: scheduled, then completed with the reflections of whoever recorded it."""

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from mentoring_contracts import Reflection


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SessionError(Exception):
    pass


class NotInSession(SessionError):
    pass


class AlreadyCompleted(SessionError):
    pass


@dataclass(frozen=True, slots=True)
class Session:
    session_id: UUID
    match_id: UUID
    program_id: str
    participant_ids: tuple[UUID, UUID]
    sequence: int
    starts_at: datetime
    ends_at: datetime
    meeting_mode: str
    cadence: str
    status: SessionStatus = SessionStatus.SCHEDULED
    completed_at: datetime | None = None
    reflections: tuple[Reflection, ...] = field(default=())

    def complete(self, reflection: Reflection, now: datetime) -> "Session":
        """One of the pair records the session as done, with their reflection."""
        if reflection.participant_id not in self.participant_ids:
            raise NotInSession(f"participant {reflection.participant_id} is not in session {self.session_id}")
        if self.status is SessionStatus.COMPLETED:
            raise AlreadyCompleted(f"session {self.session_id} was already recorded as done")
        if self.status is SessionStatus.CANCELLED:
            raise AlreadyCompleted(f"session {self.session_id} was cancelled")
        return replace(self, status=SessionStatus.COMPLETED, completed_at=now, reflections=(reflection,))

    def cancel(self, now: datetime) -> "Session":
        """Only a session still to come is cancelled."""
        if self.status is not SessionStatus.SCHEDULED:
            raise AlreadyCompleted(f"session {self.session_id} is {self.status.value}")
        return replace(self, status=SessionStatus.CANCELLED)
