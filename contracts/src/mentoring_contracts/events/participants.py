"""Events of the participant aggregate."""

from datetime import time
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import AwareDatetime, EmailStr, Field, model_validator

from mentoring_contracts.events.base import ContractModel, Event, Label, Slug, TimeZoneName
from mentoring_contracts.topics import PARTICIPANTS

Role = Literal["mentor", "mentee", "peer"]
MeetingMode = Literal["in_person", "online"]
Cadence = Literal["weekly", "biweekly", "monthly", "as_needed"]
ProgramSetting = Literal["academic", "workplace", "community"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Labels = Annotated[list[Label], Field(default_factory=list, max_length=30)]


class TopicRole(ContractModel):
    """What a participant wants to mentor, be mentored in, or share as a peer."""

    topic: Label = Field(examples=["Calculus II"])
    role: Role = Field(description="mentor, mentee or peer, for this topic only.")


class AvailabilitySlot(ContractModel):
    """A weekly recurring window, in the participant's own time zone."""

    weekday: Weekday
    start: time = Field(examples=["17:00"])
    end: time = Field(examples=["19:00"], description="Exclusive; after start, same day.")

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start >= self.end:
            raise ValueError(f"availability on {self.weekday}: start {self.start} is not before end {self.end}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("availability times are local wall-clock times without an offset")
        return self


class ParticipantProfile(ContractModel):
    """Everything matching, scheduling and notification need to know about a participant."""

    program_id: Slug = Field(examples=["first-year-stem"])
    program_setting: ProgramSetting
    campus: Label = Field(examples=["north"])
    display_name: Label = Field(examples=["Ada L."])
    email: EmailStr
    topics: list[TopicRole] = Field(min_length=1, max_length=20)
    experiences: Labels
    goals: Labels
    challenges: Labels
    interests: Labels
    languages: list[Label] = Field(min_length=1, max_length=10, examples=[["en", "de"]])
    time_zone: TimeZoneName
    weekly_availability: list[AvailabilitySlot] = Field(min_length=1, max_length=50)
    meeting_modes: list[MeetingMode] = Field(min_length=1, max_length=2)
    preferred_cadence: Cadence = "weekly"
    mentor_capacity: int = Field(
        default=0, ge=0, le=20, description="How many mentees this person can mentor at once."
    )

    @model_validator(mode="after")
    def _mentors_have_capacity(self) -> Self:
        mentors = any(topic.role == "mentor" for topic in self.topics)
        if mentors and self.mentor_capacity < 1:
            raise ValueError("a participant who mentors a topic needs mentor_capacity of at least 1")
        if not mentors and self.mentor_capacity:
            raise ValueError("mentor_capacity is only for participants who mentor a topic")
        return self


class ParticipantJoined(Event):
    """A person joined a mentoring program with the profile they gave."""

    name: ClassVar[str] = "ParticipantJoined"
    topic: ClassVar = PARTICIPANTS
    aggregate_field: ClassVar[str] = "participant_id"

    participant_id: UUID
    profile: ParticipantProfile
    joined_at: AwareDatetime


__all__ = [
    "WEEKDAYS",
    "AvailabilitySlot",
    "Cadence",
    "MeetingMode",
    "ParticipantJoined",
    "ParticipantProfile",
    "ProgramSetting",
    "Role",
    "TopicRole",
    "Weekday",
]
