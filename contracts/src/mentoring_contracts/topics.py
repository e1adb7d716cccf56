"""The Kafka topics events travel on.

Names follow ``mentoring.<aggregate-family>.v<N>``: one topic per aggregate family keeps every
event of one aggregate (one participant, one match, one session) in one partition, so a
subscriber sees them in the order they happened. ``v<N>`` changes only on a breaking change.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    key: str
    partitions: int
    description: str


PARTICIPANTS = Topic(
    name="mentoring.participants.v1",
    key="participant_id",
    partitions=6,
    description="Participants joining programs and their profiles.",
)
MATCHES = Topic(
    name="mentoring.matches.v1",
    key="match_id",
    partitions=6,
    description="Match lifecycle: proposed, accepted.",
)
SESSIONS = Topic(
    name="mentoring.sessions.v1",
    key="session_id",
    partitions=6,
    description="Mentoring sessions: scheduled, completed with reflections.",
)
NOTIFICATIONS = Topic(
    name="mentoring.notifications.v1",
    key="notification_id",
    partitions=3,
    description="Deliveries of notifications to participants.",
)

TOPICS: tuple[Topic, ...] = (PARTICIPANTS, MATCHES, SESSIONS, NOTIFICATIONS)


def dead_letter_topic(consumer_group: str) -> str:
    """Each consumer group owns one dead-letter topic for records it could not process."""
    return f"mentoring.deadletter.{consumer_group}.v1"
