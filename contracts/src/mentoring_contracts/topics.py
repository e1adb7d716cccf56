"""The Kafka topics events travel on, and who writes each.

Names follow ``mentoring.<aggregate-family>.v<N>``: one topic per aggregate family keeps every
event of one aggregate (one participant, one match, one session) in one partition, so a
subscriber sees them in the order they happened. ``v<N>`` changes only on a breaking change.

Every topic is single-writer: its ``writers`` publish every current event type it carries, and
only they may write it (the Kafka ACLs are derived from the services' declarations and checked
against this). So a type's owners are its topic's writers, and a consumer refuses a record whose
``ce_source`` is not one of them.
"""

from dataclasses import dataclass

DAY_MS = 24 * 60 * 60 * 1000
SOURCE_PREFIX = "/mentoring-mesh/"


def service_source(service: str) -> str:
    """The CloudEvents ``source`` of everything a platform service publishes."""
    return f"{SOURCE_PREFIX}{service}"


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the plan in contracts/TOPICS.md."""

    name: str
    key: str
    partitions: int
    description: str
    retention_days: int = 365
    public: bool = True  # subscribers outside the platform may read it
    # The services that publish on it, each every current event type it carries; no one else may.
    writers: tuple[str, ...] = ()

    @property
    def sources(self) -> frozenset[str]:
        """The ``ce_source`` of every record a consumer may apply from this topic."""
        return frozenset(service_source(writer) for writer in self.writers)

    @property
    def config(self) -> dict[str, str]:
        """Topic-level settings applied when the topic is created."""
        return {"retention.ms": str(self.retention_days * DAY_MS), "cleanup.policy": "delete"}


PROGRAMS = Topic(
    name="mentoring.programs.v1",
    key="program_id",
    partitions=1,
    description="Mentoring programs: created, updated, closed. Few and rarely changing: one partition keeps them in total order.",
    writers=("profile",),
)
PARTICIPANTS = Topic(
    name="mentoring.participants.v1",
    key="participant_id",
    partitions=6,
    description="Participants: joined, profile updated, left, erased.",
    writers=("profile",),
)
MATCHES = Topic(
    name="mentoring.matches.v1",
    key="match_id",
    partitions=6,
    description="Match lifecycle: proposed, accepted, declined, expired, ended.",
    writers=("matching",),
)
AGREEMENTS = Topic(
    name="mentoring.agreements.v1",
    key="match_id",
    partitions=6,
    description="Goals and expectations pairs set for their mentoring.",
    writers=("scheduling",),
)
SESSIONS = Topic(
    name="mentoring.sessions.v1",
    key="session_id",
    partitions=6,
    description="Sessions: scheduled, rescheduled, cancelled, completed with reflections, missed.",
    writers=("scheduling",),
)
NOTIFICATIONS = Topic(
    name="mentoring.notifications.v1",
    key="notification_id",
    partitions=3,
    description="Notifications to participants: sent, failed.",
    retention_days=90,
    public=False,
    writers=("notify",),
)

# Its own topic since contracts 2.4: on the participants topic, which profile owns, every service that
# confirms erasures could also write (so forge) profile's ParticipantErased (security review M4).
ERASURE_CONFIRMATIONS = Topic(
    name="mentoring.erasure-confirmations.v1",
    key="participant_id",
    partitions=6,  # as the participants topic: profile's replicas, which consume it, share them
    description="Erasure confirmations: which service erased what of an erased participant, and when.",
    writers=("matching", "scheduling", "notify"),
)

TOPICS: tuple[Topic, ...] = (PROGRAMS, PARTICIPANTS, MATCHES, AGREEMENTS, SESSIONS, NOTIFICATIONS, ERASURE_CONFIRMATIONS)


DEAD_LETTER_RETENTION_DAYS = 30


def dead_letter_topic(consumer_group: str) -> str:
    """Each consumer group owns one dead-letter topic for records it could not process."""
    return f"mentoring.deadletter.{consumer_group}.v1"


def dead_letter_spec(consumer_group: str) -> Topic:
    return Topic(
        name=dead_letter_topic(consumer_group),
        key="as the original record",
        partitions=1,
        description=f"Records the {consumer_group} consumer group could not process.",
        retention_days=DEAD_LETTER_RETENTION_DAYS,
        public=False,
        writers=(consumer_group,),  # a group is named after its service
    )
