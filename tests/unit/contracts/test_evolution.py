"""Tolerant readers, strict writers: producers and consumers of different versions get along."""

import json
import uuid
from datetime import UTC, datetime
from typing import ClassVar

import pytest
from pydantic import Field

from mentoring_contracts import (
    EventCatalog,
    MalformedEvent,
    ParticipantAttributes,
    ParticipantJoined,
    from_kafka,
    new_envelope,
    to_kafka,
)
from tests.support.factories import profile


def record_of(event):
    record = to_kafka(new_envelope(event, source="/test"))
    return [(k, v.encode()) for k, v in record.headers.items()], record.value


class NewerAttributes(ParticipantAttributes):
    faculty: str | None = Field(default=None, description="Added in a later minor version.", examples=["science"])


class NewerJoined(ParticipantJoined):
    """ParticipantJoined as a later, additive version of the contracts would publish it."""

    name: ClassVar[str] = "ParticipantJoined"
    attributes: NewerAttributes
    referral: str | None = Field(default=None, description="Added in a later minor version.", examples=["campus fair"])


def test_an_older_consumer_reads_what_a_newer_producer_writes() -> None:
    newer = NewerJoined(
        participant_id=uuid.uuid4(),
        attributes=NewerAttributes(**profile().attributes().model_dump(), faculty="science"),
        referral="campus fair",
        joined_at=datetime.now(UTC),
    )
    headers, value = record_of(newer)
    assert b"faculty" in value and b"referral" in value
    envelope = from_kafka(headers, value)  # today's catalogue: the older consumer
    assert envelope.data.participant_id == newer.participant_id
    assert envelope.data.attributes.time_zone == newer.attributes.time_zone


def test_a_newer_consumer_reads_what_an_older_producer_wrote() -> None:
    older = ParticipantJoined(participant_id=uuid.uuid4(), attributes=profile().attributes(), joined_at=datetime.now(UTC))
    headers, value = record_of(older)
    envelope = from_kafka(headers, value, catalog=EventCatalog([NewerJoined]))
    assert isinstance(envelope.data, NewerJoined)
    assert envelope.data.referral is None and envelope.data.attributes.faculty is None


def test_writers_send_exactly_the_schema() -> None:
    event = ParticipantJoined(participant_id=uuid.uuid4(), attributes=profile().attributes(), joined_at=datetime.now(UTC))
    written = json.loads(to_kafka(new_envelope(event, source="/test")).value)
    assert set(written) == set(ParticipantJoined.model_fields)
    assert set(written["attributes"]) == set(ParticipantAttributes.model_fields)


def test_a_reader_still_refuses_data_that_breaks_a_rule_it_knows() -> None:
    older = ParticipantJoined(participant_id=uuid.uuid4(), attributes=profile().attributes(), joined_at=datetime.now(UTC))
    headers, value = record_of(older)
    broken = json.loads(value)
    broken["attributes"]["mentor_capacity"] = 3  # a mentee with capacity
    with pytest.raises(MalformedEvent, match="mentor_capacity is only for participants who mentor"):
        from_kafka(headers, json.dumps(broken).encode())
