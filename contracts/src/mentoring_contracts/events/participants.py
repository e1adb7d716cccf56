"""Events of the participant aggregate (key: participant_id)."""

from datetime import time
from typing import Annotated, ClassVar, Literal, Self

from pydantic import EmailStr, Field, StringConstraints, model_validator

from mentoring_contracts.events.base import (
    PERSONAL_DATA,
    SUBJECT_DESCRIPTION,
    SUBJECT_EXAMPLE,
    AccountSubject,
    ContractModel,
    Event,
    Instant,
    Label,
    ParticipantId,
    ProgramId,
    Reason,
    Slug,
    TimeZoneName,
)
from mentoring_contracts.topics import ERASURE_CONFIRMATIONS, PARTICIPANTS

Role = Literal["mentor", "mentee", "peer"]
MeetingMode = Literal["in_person", "online"]
Cadence = Literal["weekly", "biweekly", "monthly", "as_needed"]
ProgramSetting = Literal["academic", "workplace", "community"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Affiliation = Literal["student", "staff", "faculty", "alumni", "community"]
CustomName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _labels(description: str, example: list[str]) -> object:
    return Field(
        default_factory=list, max_length=30, description=description, examples=[example], json_schema_extra=PERSONAL_DATA
    )


class TopicRole(ContractModel):
    """What a participant wants to mentor, be mentored in, or share as a peer."""

    topic: Label = Field(description="A subject, course or theme.", examples=["Calculus II"])
    role: Role = Field(description="mentor, mentee or peer, for this topic only.", examples=["mentee"])


class AvailabilitySlot(ContractModel):
    """A weekly recurring window, in the participant's own time zone."""

    weekday: Weekday = Field(description="Day of the week.", examples=["mon"])
    start: time = Field(description="Local wall-clock start, no offset, on a quarter hour.", examples=["17:00"])
    end: time = Field(
        description="Local wall-clock end (exclusive), after start on the same day, on a quarter hour.", examples=["19:00"]
    )

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:  # first: a naive and an aware time do not compare
            raise ValueError("availability times are local wall-clock times without an offset")
        if self.start >= self.end:
            raise ValueError(f"availability on {self.weekday}: start {self.start} is not before end {self.end}")
        for moment in (self.start, self.end):
            if moment.minute % 15 or moment.second or moment.microsecond:
                raise ValueError(f"availability is given in quarter hours; {moment.isoformat()} is not on one")
        return self


class ParticipantAttributes(ContractModel):
    """What identifies nobody: program, campus, topics and roles, languages, time zone, availability,
    modes, cadence and capacity. Events carry this; the personal rest of a profile stays in the profile
    service (``GET /participants/{id}``, for the person, their coordinators and the platform's services)."""

    program_id: ProgramId
    program_setting: ProgramSetting = Field(description="Where the program runs.", examples=["academic"])
    campus: Label = Field(description="Campus, site or chapter.", examples=["north"])
    topics: list[TopicRole] = Field(
        min_length=1,
        max_length=20,
        description="Topics and the role taken in each.",
        examples=[[{"topic": "Calculus II", "role": "mentee"}]],
    )
    languages: list[Label] = Field(
        min_length=1, max_length=10, description="Languages spoken (BCP 47 tags).", examples=[["en", "de"]]
    )
    time_zone: TimeZoneName
    weekly_availability: list[AvailabilitySlot] = Field(
        min_length=1,
        max_length=50,
        description="When the participant can meet, every week, in their time zone.",
        examples=[[{"weekday": "mon", "start": "17:00", "end": "19:00"}]],
    )
    meeting_modes: list[MeetingMode] = Field(
        min_length=1, max_length=2, description="How the participant can meet.", examples=[["online", "in_person"]]
    )
    preferred_cadence: Cadence = Field(
        default="weekly", description="How often the participant wants to meet.", examples=["weekly"]
    )
    mentor_capacity: int = Field(
        default=0, ge=0, le=20, description="How many mentees this person can mentor at once.", examples=[2]
    )

    @model_validator(mode="after")
    def _mentors_have_capacity(self) -> Self:
        mentors = any(topic.role == "mentor" for topic in self.topics)
        if mentors and self.mentor_capacity < 1:
            raise ValueError("a participant who mentors a topic needs mentor_capacity of at least 1")
        if not mentors and self.mentor_capacity:
            raise ValueError("mentor_capacity is only for participants who mentor a topic")
        return self


class ParticipantProfile(ParticipantAttributes):
    """Everything matching, scheduling and notification need to know about a participant: the
    attributes, plus the personal data (name, address, and their own words) no current event carries."""

    display_name: Label = Field(
        description="How the participant is addressed.", examples=["Ada L."], json_schema_extra=PERSONAL_DATA
    )
    email: EmailStr = Field(
        description="Where notifications go.", examples=["ada@students.example.edu"], json_schema_extra=PERSONAL_DATA
    )
    experiences: Annotated[list[Label], _labels("Experiences to share.", ["took Calculus I"])]
    goals: Annotated[list[Label], _labels("What the participant wants to achieve.", ["pass the final exam"])]
    challenges: Annotated[list[Label], _labels("What the participant struggles with.", ["exam anxiety"])]
    interests: Annotated[list[Label], _labels("Interests beyond the topic.", ["chess"])]
    # What programs' participation rules read (contracts 2.1); personal, so never on an event.
    affiliation: Affiliation | None = Field(
        default=None,
        description="Student, staff, faculty, alumni or community.",
        examples=["student"],
        json_schema_extra=PERSONAL_DATA,
    )
    year_of_study: int | None = Field(
        default=None, ge=1, le=12, description="For students: their year.", examples=[1], json_schema_extra=PERSONAL_DATA
    )
    department: Label | None = Field(
        default=None, description="Department, school or faculty.", examples=["Mathematics"], json_schema_extra=PERSONAL_DATA
    )
    custom_attributes: dict[CustomName, Label | int | float] = Field(
        default_factory=dict,
        max_length=30,
        description="Values of the attributes the program defines, by name.",
        examples=[{"course": "MATH101"}],
        json_schema_extra=PERSONAL_DATA,
    )

    def attributes(self) -> ParticipantAttributes:
        """The non-identifying part, as validated already (the same values: nothing to check again)."""
        return ParticipantAttributes.model_construct(**{name: getattr(self, name) for name in ParticipantAttributes.model_fields})


class _ParticipantEvent(Event):
    topic: ClassVar = PARTICIPANTS
    aggregate_field: ClassVar[str] = "participant_id"


class ParticipantJoined(_ParticipantEvent):
    """A person joined a mentoring program. Carries the attributes that identify nobody; the personal
    rest of the profile is read from the profile service by whoever may see it."""

    name: ClassVar[str] = "ParticipantJoined"
    version: ClassVar[int] = 2

    participant_id: ParticipantId
    attributes: ParticipantAttributes = Field(description="The profile's non-identifying attributes as given when joining.")
    joined_at: Instant = Field(description="When they joined.")


class ParticipantProfileUpdated(_ParticipantEvent):
    """A participant changed their profile; carries all its non-identifying attributes as they now are."""

    name: ClassVar[str] = "ParticipantProfileUpdated"
    version: ClassVar[int] = 2

    participant_id: ParticipantId
    attributes: ParticipantAttributes = Field(description="The profile's non-identifying attributes after the change.")
    updated_at: Instant = Field(description="When the change was made.")


class ParticipantLeft(_ParticipantEvent):
    """A participant left the program; their open matches end and partners are offered a rematch.
    Their reason, if they gave one, stays with their profile."""

    name: ClassVar[str] = "ParticipantLeft"
    version: ClassVar[int] = 2

    participant_id: ParticipantId
    program_id: ProgramId
    left_at: Instant = Field(description="When they left.")


class ParticipantJoinedV1(_ParticipantEvent):
    """Retired (contracts 2.0): carried the whole profile, personal data included."""

    name: ClassVar[str] = "ParticipantJoined"
    retired: ClassVar[bool] = True

    participant_id: ParticipantId
    subject: AccountSubject | None = Field(
        default=None, description=SUBJECT_DESCRIPTION, examples=[SUBJECT_EXAMPLE], json_schema_extra=PERSONAL_DATA
    )
    profile: ParticipantProfile = Field(description="The profile as given when joining.")
    joined_at: Instant = Field(description="When they joined.")


class ParticipantProfileUpdatedV1(_ParticipantEvent):
    """Retired (contracts 2.0): carried the whole profile, personal data included."""

    name: ClassVar[str] = "ParticipantProfileUpdated"
    retired: ClassVar[bool] = True

    participant_id: ParticipantId
    subject: AccountSubject | None = Field(
        default=None, description=SUBJECT_DESCRIPTION, examples=[SUBJECT_EXAMPLE], json_schema_extra=PERSONAL_DATA
    )
    profile: ParticipantProfile = Field(description="The complete profile after the change.")
    updated_at: Instant = Field(description="When the change was made.")


class ParticipantLeftV1(ParticipantLeft):
    """Retired (contracts 2.0): carried the leaver's reason in their own words."""

    version: ClassVar[int] = 1
    retired: ClassVar[bool] = True

    reason: Reason | None = Field(
        default=None, description="Why, if they said.", examples=["moved to another campus"], json_schema_extra=PERSONAL_DATA
    )


class ParticipantErased(_ParticipantEvent):
    """A participant's personal data was erased on request; subscribers erase what they hold of them.

    Carries no personal data itself."""

    name: ClassVar[str] = "ParticipantErased"

    participant_id: ParticipantId
    erased_at: Instant = Field(description="When the erasure was carried out.")


class ParticipantErasureConfirmed(_ParticipantEvent):
    """A service finished erasing what it held of an erased participant; the profile service shows
    who confirmed, and when. Carries no personal data."""

    name: ClassVar[str] = "ParticipantErasureConfirmed"
    # Its own topic, written by the services that confirm (contracts 2.4); on profile's topic, which
    # it travelled on before, it is refused: it cannot be told from a forgery there.
    topic: ClassVar = ERASURE_CONFIRMATIONS
    formerly_on: ClassVar = (PARTICIPANTS,)

    participant_id: ParticipantId
    service: Slug = Field(description="The service that erased its data.", examples=["matching"])
    erased: list[Label] = Field(
        max_length=20, description="What it erased or anonymised, in words.", examples=[["profile free text", "match reasons"]]
    )
    confirmed_at: Instant = Field(description="When its erasure was committed.")
