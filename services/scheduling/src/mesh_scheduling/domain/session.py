"""A session of a pair: scheduled, perhaps moved, then completed with a reflection, cancelled, or
missed when its time passed unrecorded (and still completable, if it did happen after all).

``revision`` is the iCalendar SEQUENCE: raised on every move and on the cancel, so calendars
replace the copy they hold."""

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from mentoring_contracts import Reflection


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    MISSED = "missed"


class SessionError(Exception):
    pass


class NotInSession(SessionError):
    pass


class AlreadyCompleted(SessionError):
    pass


class NotMovable(SessionError):
    """The new time is in the past, the session is not upcoming, or no move waits for confirmation."""


@dataclass(frozen=True, slots=True)
class ProposedMove:
    """A new time outside the pair's shared availability: it holds once the other one confirms."""

    starts_at: datetime
    ends_at: datetime
    proposed_by: UUID


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
    revision: int = 0
    occurrence: int = 0  # its place in the pair's recurring series (the iCalendar RECURRENCE-ID)
    cancelled_by: UUID | None = None
    cancel_reason: str | None = None  # their words: kept here, never on an event
    proposed_move: ProposedMove | None = None

    def other_than(self, participant_id: UUID) -> UUID:
        self._require_member(participant_id)
        first, second = self.participant_ids
        return second if participant_id == first else first

    def _require_member(self, participant_id: UUID) -> None:
        if participant_id not in self.participant_ids:
            raise NotInSession(f"participant {participant_id} is not in session {self.session_id}")

    def complete(self, reflection: Reflection, now: datetime) -> "Session":
        """One of the pair records the session as done, with their reflection."""
        self._require_member(reflection.participant_id)
        if self.status is SessionStatus.COMPLETED:
            raise AlreadyCompleted(f"session {self.session_id} was already recorded as done")
        if self.status is SessionStatus.CANCELLED:
            raise AlreadyCompleted(f"session {self.session_id} was cancelled")
        return replace(self, status=SessionStatus.COMPLETED, completed_at=now, reflections=(reflection,), proposed_move=None)

    def cancel(self, now: datetime, by: UUID | None = None, reason: str | None = None) -> "Session":
        """Only a session still to come is cancelled: by one of the pair, or by the platform (``by`` None)."""
        if by is not None:
            self._require_member(by)
        self._require_scheduled()
        return replace(
            self,
            status=SessionStatus.CANCELLED,
            revision=self.revision + 1,
            cancelled_by=by,
            cancel_reason=reason,
            proposed_move=None,
        )

    def move(self, starts_at: datetime, ends_at: datetime, now: datetime) -> "Session":
        """To a new time still to come (checked against availability by the caller)."""
        self._require_scheduled()
        if starts_at <= now:
            raise NotMovable(f"a session is moved to a time still to come, not {starts_at.isoformat()}")
        if ends_at <= starts_at:
            raise NotMovable("a session ends after it starts")
        return replace(self, starts_at=starts_at, ends_at=ends_at, revision=self.revision + 1, proposed_move=None)

    def propose_move(self, starts_at: datetime, ends_at: datetime, by: UUID, now: datetime) -> "Session":
        """A time outside their shared availability waits for the other one's confirmation."""
        self._require_member(by)
        self.move(starts_at, ends_at, now)  # the same checks, nothing kept
        return replace(self, proposed_move=ProposedMove(starts_at, ends_at, by))

    def confirm_move(self, by: UUID, now: datetime) -> "Session":
        """The other one of the pair agrees to the proposed time."""
        self._require_member(by)
        if self.proposed_move is None:
            raise NotMovable(f"no new time for session {self.session_id} waits for confirmation")
        if self.proposed_move.proposed_by == by:
            raise NotMovable("the other one of the pair confirms a new time, not who proposed it")
        return self.move(self.proposed_move.starts_at, self.proposed_move.ends_at, now)

    def miss(self, now: datetime) -> "Session":
        """Its time passed and nobody recorded it: missed, until one of them says it did happen."""
        self._require_scheduled()
        return replace(self, status=SessionStatus.MISSED, proposed_move=None)

    def _require_scheduled(self) -> None:
        if self.status is not SessionStatus.SCHEDULED:
            raise AlreadyCompleted(f"session {self.session_id} is {self.status.value}")
