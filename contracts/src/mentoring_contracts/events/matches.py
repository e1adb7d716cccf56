"""Events of the match aggregate: a proposed pairing of two participants."""

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from mentoring_contracts.events.base import ContractModel, Event, Label, Slug, TimeZoneName
from mentoring_contracts.events.participants import AvailabilitySlot, Cadence, MeetingMode, Role
from mentoring_contracts.topics import MATCHES

MatchKind = Literal["mentor_mentee", "peer"]


class MatchParticipant(ContractModel):
    participant_id: UUID
    role: Role


class ScorePart(ContractModel):
    """One criterion's contribution to a match score."""

    criterion: str = Field(examples=["goals"])
    weight: float = Field(ge=0)
    value: float = Field(ge=0, le=1, description="How well the pair meets this criterion.")


class MatchProposed(Event):
    """Matching proposes two participants as a pair, with the score and why."""

    name: ClassVar[str] = "MatchProposed"
    topic: ClassVar = MATCHES
    aggregate_field: ClassVar[str] = "match_id"

    match_id: UUID
    program_id: Slug
    topic_name: Label = Field(description="The topic the pair meets about.", examples=["Calculus II"])
    kind: MatchKind
    participants: list[MatchParticipant] = Field(min_length=2, max_length=2)
    score: float = Field(ge=0, le=1)
    score_parts: list[ScorePart]
    reasons: list[str] = Field(examples=[["both study Calculus II", "4 h of shared availability"]])
    proposed_at: AwareDatetime
    expires_at: AwareDatetime


class ParticipantSchedule(ContractModel):
    """What scheduling needs of one participant, carried with the accepted match."""

    participant_id: UUID
    role: Role
    campus: Label
    time_zone: TimeZoneName
    weekly_availability: list[AvailabilitySlot] = Field(min_length=1)
    meeting_modes: list[MeetingMode] = Field(min_length=1)
    preferred_cadence: Cadence


class MatchAccepted(Event):
    """Both participants accepted a proposed match: the pair is formed."""

    name: ClassVar[str] = "MatchAccepted"
    topic: ClassVar = MATCHES
    aggregate_field: ClassVar[str] = "match_id"

    match_id: UUID
    program_id: Slug
    topic_name: Label
    kind: MatchKind
    participants: list[ParticipantSchedule] = Field(min_length=2, max_length=2)
    accepted_at: AwareDatetime


class MatchDeclined(Event):
    """A participant declined a proposed match; the pair is never proposed again."""

    name: ClassVar[str] = "MatchDeclined"
    topic: ClassVar = MATCHES
    aggregate_field: ClassVar[str] = "match_id"

    match_id: UUID
    program_id: Slug
    participant_ids: list[UUID] = Field(min_length=2, max_length=2)
    declined_by: UUID
    reason: str | None = Field(default=None, max_length=1000)
    declined_at: AwareDatetime


class MatchExpired(Event):
    """Nobody declined, but not both accepted before the proposal's expiry: both are free again."""

    name: ClassVar[str] = "MatchExpired"
    topic: ClassVar = MATCHES
    aggregate_field: ClassVar[str] = "match_id"

    match_id: UUID
    program_id: Slug
    participant_ids: list[UUID] = Field(min_length=2, max_length=2)
    accepted_by: list[UUID] = Field(description="Who had accepted before it expired (0 or 1 of the two).")
    expired_at: AwareDatetime
