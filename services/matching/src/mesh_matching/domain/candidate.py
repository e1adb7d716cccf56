"""A participant as matching sees them, built only from profile events."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mentoring_contracts import ParticipantProfile, TopicRole


@dataclass(frozen=True, slots=True)
class Candidate:
    """``subject``: the person's account, where it is needed (a formed pair's schedules carry it)."""

    participant_id: UUID
    profile: ParticipantProfile
    subject: str | None = None
    joined_at: datetime | None = None  # when they joined the program (profile's), for its health figures

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
