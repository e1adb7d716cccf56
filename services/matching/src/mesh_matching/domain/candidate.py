"""A participant as matching sees them, built only from profile events."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from mentoring_contracts import AvailabilitySlot, ParticipantProfile, TopicRole


class MatchingProfile(BaseModel):
    """What matching keeps of a person's profile: what scoring compares, and the name a suggestion
    shows. An allow-list: address, affiliation, year, department, a program's own attributes, and
    any field the profile service adds later are never kept until they are named here."""

    program_id: str
    program_setting: str
    campus: str
    topics: list[TopicRole]
    languages: list[str]
    time_zone: str
    weekly_availability: list[AvailabilitySlot]
    meeting_modes: list[str]
    preferred_cadence: str
    mentor_capacity: int
    display_name: str
    experiences: list[str]
    goals: list[str]
    challenges: list[str]
    interests: list[str]


KEPT = tuple(MatchingProfile.model_fields)
# What stays of an erased person: the attributes that identify nobody (a subset of the contract's
# ParticipantAttributes), so that their program's figures still count them. Everything else of
# MatchingProfile is replaced by these fixed values, which say nothing of anyone.
ANONYMOUS = (
    "program_id",
    "program_setting",
    "campus",
    "topics",
    "languages",
    "time_zone",
    "weekly_availability",
    "meeting_modes",
    "preferred_cadence",
    "mentor_capacity",
)
ERASED = {"display_name": "Erased participant", "experiences": [], "goals": [], "challenges": [], "interests": []}


@dataclass(frozen=True, slots=True)
class Candidate:
    """``subject``: the person's account, where it is needed (a formed pair's schedules carry it).
    ``profile``: as profile sent it (a newcomer, an update), or as matching kept it."""

    participant_id: UUID
    profile: ParticipantProfile | MatchingProfile
    subject: str | None = None
    joined_at: datetime | None = None  # when they joined the program (profile's), for its health figures
    # The stored row's profile version (new with every change or erasure), where read from the store:
    # what results computed from the profile are cached under (self_selection's suggestions).
    version: UUID | None = field(default=None, compare=False)

    @property
    def program_id(self) -> str:
        return self.profile.program_id

    @property
    def capacity(self) -> int:
        """How many open matches at once: one per mentee in mentor topics, plus one as mentee or peer."""
        seeks_partner = any(topic.role != "mentor" for topic in self.profile.topics)
        return self.profile.mentor_capacity + (1 if seeks_partner else 0)

    def topic_roles(self) -> dict[str, TopicRole]:
        """Topics compare without regard to case or surrounding space."""
        return {topic.topic.strip().casefold(): topic for topic in self.profile.topics}

    def slots(self) -> list[str]:
        """What this person offers a partner, as index keys: ``program|role|topic`` per topic."""
        return sorted(slot_key(self.program_id, topic.role, key) for key, topic in self.topic_roles().items())

    def wanted_slots(self) -> list[str]:
        """The keys a partner must offer: a pair is only eligible on a topic where one mentors and the
        other is mentored, or both are peers (scoring's rule), so no one outside these can fit."""
        return sorted(slot_key(self.program_id, PARTNER_ROLE[topic.role], key) for key, topic in self.topic_roles().items())


PARTNER_ROLE = {"mentor": "mentee", "mentee": "mentor", "peer": "peer"}


def slot_key(program_id: str, role: str, topic_key: str) -> str:
    return f"{program_id}|{role}|{topic_key}"
