"""A participant as matching sees them, built only from profile events."""

from dataclasses import dataclass
from uuid import UUID

from mentoring_contracts import ParticipantProfile, TopicRole


@dataclass(frozen=True, slots=True)
class Candidate:
    """``subject``: the person's account, where it is needed (a formed pair's schedules carry it)."""

    participant_id: UUID
    profile: ParticipantProfile
    subject: str | None = None

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
