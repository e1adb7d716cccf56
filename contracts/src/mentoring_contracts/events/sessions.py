"""Events of the session aggregate: one meeting of a pair."""

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from mentoring_contracts.events.base import ContractModel, Event, Slug
from mentoring_contracts.events.participants import Cadence, MeetingMode
from mentoring_contracts.topics import SESSIONS


class SessionScheduled(Event):
    """A session of a pair was put in both calendars."""

    name: ClassVar[str] = "SessionScheduled"
    topic: ClassVar = SESSIONS
    aggregate_field: ClassVar[str] = "session_id"

    session_id: UUID
    match_id: UUID
    program_id: Slug
    participant_ids: list[UUID] = Field(min_length=2, max_length=2)
    sequence: int = Field(ge=1, description="1 for the pair's first session, then 2, 3, ...")
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    meeting_mode: MeetingMode
    cadence: Cadence

    @model_validator(mode="after")
    def _ends_after_start(self) -> "SessionScheduled":
        if self.ends_at <= self.starts_at:
            raise ValueError("a session ends after it starts")
        return self


class Reflection(ContractModel):
    """What one participant took from a session."""

    participant_id: UUID
    progress_rating: int = Field(ge=1, le=5, description="1 = no progress, 5 = great progress.")
    notes: str = Field(min_length=1, max_length=4000)


class SessionCompleted(Event):
    """A session took place; carries each reflection given when it was recorded."""

    name: ClassVar[str] = "SessionCompleted"
    topic: ClassVar = SESSIONS
    aggregate_field: ClassVar[str] = "session_id"

    session_id: UUID
    match_id: UUID
    program_id: Slug
    participant_ids: list[UUID] = Field(min_length=2, max_length=2)
    completed_at: AwareDatetime
    reflections: list[Reflection] = Field(min_length=1, max_length=2)
