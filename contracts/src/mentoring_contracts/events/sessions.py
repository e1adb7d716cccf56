"""Events of the session aggregate (key: session_id): one meeting of a pair."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, ClassVar, Self

from pydantic import Field, model_validator

from mentoring_contracts.events.base import (
    PERSONAL_DATA,
    ContractModel,
    Event,
    Instant,
    MatchId,
    PairIds,
    ParticipantId,
    ProgramId,
    Reason,
    SessionId,
    plain_text_rules,
)
from mentoring_contracts.events.participants import Cadence, MeetingMode
from mentoring_contracts.topics import SESSIONS


class ProgressRating(ContractModel):
    """How much progress one participant felt a session made (their reflection's words stay in scheduling)."""

    participant_id: ParticipantId = Field(description="Who reflects.")
    progress_rating: int = Field(ge=1, le=5, description="1 = no progress, 5 = great progress.", examples=[4])


class Reflection(ProgressRating):
    """What one participant took from a session: the rating and their own words."""

    notes: Annotated[str, *plain_text_rules(4000, multi_line=True)] = Field(
        description="Their reflection in their words (line feeds and tabs, no other control characters).",
        examples=["We agreed on goals and worked through two past exam questions."],
        json_schema_extra=PERSONAL_DATA,
    )


class _SessionEvent(Event):
    topic: ClassVar = SESSIONS
    aggregate_field: ClassVar[str] = "session_id"


class _Timed(_SessionEvent):
    if TYPE_CHECKING:  # every subclass declares both; declared here, they would lead its fields' order
        starts_at: datetime
        ends_at: datetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("a session ends after it starts")
        return self


class SessionScheduled(_Timed):
    """A session of a pair was put in both calendars."""

    name: ClassVar[str] = "SessionScheduled"

    session_id: SessionId
    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    sequence: int = Field(ge=1, description="1 for the pair's first session, then 2, 3, ...", examples=[1])
    starts_at: Instant = Field(description="Start, UTC.")
    ends_at: Instant = Field(description="End, UTC.", examples=["2026-11-25T18:00:00Z"])
    meeting_mode: MeetingMode = Field(description="In person or online.", examples=["online"])
    cadence: Cadence = Field(description="The pair's cadence that set this date.", examples=["weekly"])
    occurrence: int | None = Field(
        default=None, ge=0, description="Its place in the pair's recurring series, 0 first (contracts 2.2).", examples=[0]
    )


class SessionRescheduled(_Timed):
    """A scheduled session moved to another time."""

    name: ClassVar[str] = "SessionRescheduled"
    version: ClassVar[int] = 2

    session_id: SessionId
    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    starts_at: Instant = Field(description="New start, UTC.")
    ends_at: Instant = Field(description="New end, UTC.", examples=["2026-11-25T18:00:00Z"])
    previous_starts_at: Instant = Field(description="The start it had before.")
    rescheduled_by: ParticipantId | None = Field(
        default=None, description="Who moved it; none if scheduling did.", examples=["1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"]
    )
    revision: int | None = Field(
        default=None, ge=1, description="How many times it changed: the iCalendar SEQUENCE (contracts 2.2).", examples=[1]
    )
    meeting_mode: MeetingMode | None = Field(default=None, description="How they meet (contracts 2.2).", examples=["online"])


class SessionRescheduledV1(SessionRescheduled):
    """Retired (contracts 2.0): carried the reason in a participant's words."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reason: Reason | None = Field(
        default=None, description="Why, if given.", examples=["exam moved"], json_schema_extra=PERSONAL_DATA
    )


class SessionCancelled(_SessionEvent):
    """A scheduled session will not take place."""

    name: ClassVar[str] = "SessionCancelled"
    version: ClassVar[int] = 2

    session_id: SessionId
    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    starts_at: Instant | None = Field(default=None, description="When it was to start, UTC.", examples=["2026-11-26T17:00:00Z"])
    cancelled_by: ParticipantId | None = Field(
        default=None, description="Who cancelled; none if the platform did.", examples=["1c8d7e3f-4a2b-4d66-8e1f-7b2a5a1a9b22"]
    )
    cancelled_at: Instant = Field(description="When.")
    ends_at: Instant | None = Field(
        default=None, description="When it was to end, UTC (contracts 2.2).", examples=["2026-11-26T18:00:00Z"]
    )
    revision: int | None = Field(
        default=None, ge=1, description="The iCalendar SEQUENCE of the cancel (contracts 2.2).", examples=[1]
    )


class SessionCancelledV1(SessionCancelled):
    """Retired (contracts 2.0): carried the reason in a participant's words."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reason: Reason | None = Field(
        default=None, description="Why, if given.", examples=["exam moved"], json_schema_extra=PERSONAL_DATA
    )


class SessionCompleted(_SessionEvent):
    """A session took place; carries the progress rating of each reflection given when it was
    recorded (the reflections' words are read from scheduling by the pair and their coordinators)."""

    name: ClassVar[str] = "SessionCompleted"
    version: ClassVar[int] = 2

    session_id: SessionId
    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    completed_at: Instant = Field(description="When it was recorded as done.")
    reflections: list[ProgressRating] = Field(
        min_length=1, max_length=2, description="The rating of each reflection recorded with it."
    )


class SessionCompletedV1(SessionCompleted):
    """Retired (contracts 2.0): carried the reflections' words."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reflections: list[Reflection] = Field(
        min_length=1,
        max_length=2,  # type: ignore[assignment]  # the retired items subclass the current ones; list is invariant
        description="The reflections recorded with it.",
    )


class SessionMissed(_SessionEvent):
    """A session's time passed without it taking place."""

    name: ClassVar[str] = "SessionMissed"

    session_id: SessionId
    match_id: MatchId
    program_id: ProgramId
    participant_ids: PairIds
    missed_by: list[ParticipantId] = Field(max_length=2, description="Who did not come, where known.", examples=[[]])
    recorded_at: Instant = Field(description="When it was recorded as missed.")
