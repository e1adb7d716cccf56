"""Mentoring Mesh event contracts.

Every event the platform publishes is a pydantic v2 model (``Event`` subclass) carried in a
CloudEvents 1.0 envelope and written to Kafka in binary content mode: envelope attributes as
``ce_*`` headers, the event data as the JSON value, the aggregate id as the record key.
"""

from importlib.metadata import version as _version

from mentoring_contracts.catalog import CATALOG, EventCatalog, topics_read
from mentoring_contracts.envelope import EventEnvelope, new_envelope
from mentoring_contracts.errors import ContractError, MalformedEvent, UnknownEventType
from mentoring_contracts.events import *  # noqa: F403 - the catalogue's models are the package's API
from mentoring_contracts.events import __all__ as _event_names
from mentoring_contracts.kafka_binding import KafkaRecord, from_kafka, to_kafka
from mentoring_contracts.topics import TOPICS, Topic, dead_letter_spec, dead_letter_topic, service_source

__version__ = _version("mentoring-contracts")

__all__ = [
    *_event_names,
    "CATALOG",
    "TOPICS",
    "ContractError",
    "EventCatalog",
    "EventEnvelope",
    "KafkaRecord",
    "MalformedEvent",
    "Topic",
    "UnknownEventType",
    "dead_letter_spec",
    "dead_letter_topic",
    "from_kafka",
    "new_envelope",
    "service_source",
    "to_kafka",
    "topics_read",
]
