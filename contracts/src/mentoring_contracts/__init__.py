"""Mentoring Mesh event contracts.

Every event the platform publishes is a pydantic v2 model (``Event`` subclass) carried in a
CloudEvents 1.0 envelope and written to Kafka in binary content mode: envelope attributes as
``ce_*`` headers, the event data as the JSON value, the aggregate id as the record key.
"""

from mentoring_contracts.catalog import CATALOG, EventCatalog
from mentoring_contracts.envelope import EventEnvelope, new_envelope
from mentoring_contracts.errors import ContractError, MalformedEvent, UnknownEventType
from mentoring_contracts.events import (
    AvailabilitySlot,
    Event,
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchParticipant,
    MatchProposed,
    NotificationSent,
    ParticipantJoined,
    ParticipantProfile,
    ParticipantSchedule,
    Reflection,
    ScorePart,
    SessionCompleted,
    SessionScheduled,
    TopicRole,
)
from mentoring_contracts.kafka_binding import KafkaRecord, from_kafka, to_kafka
from mentoring_contracts.topics import TOPICS, Topic, dead_letter_topic

__all__ = [
    "CATALOG",
    "TOPICS",
    "AvailabilitySlot",
    "ContractError",
    "Event",
    "EventCatalog",
    "EventEnvelope",
    "KafkaRecord",
    "MalformedEvent",
    "MatchAccepted",
    "MatchDeclined",
    "MatchExpired",
    "MatchParticipant",
    "MatchProposed",
    "NotificationSent",
    "ParticipantJoined",
    "ParticipantProfile",
    "ParticipantSchedule",
    "Reflection",
    "ScorePart",
    "SessionCompleted",
    "SessionScheduled",
    "Topic",
    "TopicRole",
    "UnknownEventType",
    "dead_letter_topic",
    "from_kafka",
    "new_envelope",
    "to_kafka",
]
