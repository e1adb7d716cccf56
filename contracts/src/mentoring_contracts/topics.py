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


PROGRAMS = Topic(
    name="mentoring.programs.v1",
    key="program_id",
    partitions=1,
    description="Mentoring programs: created, updated, closed. Few and rarely changing: one partition keeps them in total order.",
)
PARTICIPANTS = Topic(
    name="mentoring.participants.v1",
    key="participant_id",
    partitions=6,
    description="Participants: joined, profile updated, left, erased.",
)
MATCHES = Topic(
    name="mentoring.matches.v1",
    key="match_id",
    partitions=6,
    description="Match lifecycle: proposed, accepted, declined, expired, ended.",
)
AGREEMENTS = Topic(
    name="mentoring.agreements.v1",
    key="match_id",
    partitions=6,
    description="Goals and expectations pairs set for their mentoring.",
)
SESSIONS = Topic(
    name="mentoring.sessions.v1",
    key="session_id",
    partitions=6,
    description="Sessions: scheduled, rescheduled, cancelled, completed with reflections, missed.",
)
NOTIFICATIONS = Topic(
    name="mentoring.notifications.v1",
    key="notification_id",
    partitions=3,
    description="Notifications to participants: sent, failed.",
)

TOPICS: tuple[Topic, ...] = (PROGRAMS, PARTICIPANTS, MATCHES, AGREEMENTS, SESSIONS, NOTIFICATIONS)


def dead_letter_topic(consumer_group: str) -> str:
    """Each consumer group owns one dead-letter topic for records it could not process."""
    return f"mentoring.deadletter.{consumer_group}.v1"
