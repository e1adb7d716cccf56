"""The wire format: CloudEvents 1.0, Kafka binary mode, checked against the CloudEvents SDK."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent

from mentoring_contracts import (
    MalformedEvent,
    ParticipantJoined,
    UnknownEventType,
    from_kafka,
    new_envelope,
    to_kafka,
)
from tests.support.factories import profile


def joined() -> ParticipantJoined:
    return ParticipantJoined(participant_id=uuid.uuid4(), attributes=profile().attributes(), joined_at=datetime.now(UTC))


def test_record_is_keyed_by_aggregate_and_round_trips() -> None:
    event = joined()
    cause = uuid.uuid4()
    envelope = new_envelope(event, source="/mentoring-mesh/profile", correlation_id=cause, causation_id=cause)
    record = to_kafka(envelope)
    assert record.topic == "mentoring.participants.v1"
    assert record.key == str(event.participant_id).encode()
    assert record.headers["ce_type"] == "org.mentoringmesh.ParticipantJoined.v2"
    assert record.headers["content-type"] == "application/json"
    decoded = from_kafka([(k, v.encode()) for k, v in record.headers.items()], record.value)
    assert decoded == envelope


def test_cloudevents_sdk_reads_our_records() -> None:
    envelope = new_envelope(joined(), source="/mentoring-mesh/profile")
    record = to_kafka(envelope)
    event = ce_kafka.from_binary_event(
        ce_kafka.KafkaMessage(headers={k: v.encode() for k, v in record.headers.items()}, key=record.key, value=record.value)
    )
    attributes = event.get_attributes()
    assert attributes["id"] == str(envelope.id)
    assert attributes["specversion"] == "1.0"
    assert attributes["type"] == envelope.type
    assert attributes["subject"] == envelope.subject
    assert attributes["correlationid"] == str(envelope.correlationid)
    assert event.get_data()["participant_id"] == str(envelope.data.participant_id)


def test_we_read_records_the_cloudevents_sdk_writes() -> None:
    event = joined()
    sdk_event = CloudEvent(
        attributes={
            "id": str(uuid.uuid4()),
            "source": "/a/campus/app",
            "type": ParticipantJoined.event_type(),
            "time": datetime.now(UTC),
            "datacontenttype": "application/json",
        },
        data=json.loads(event.model_dump_json()),
    )
    message = ce_kafka.to_binary_event(sdk_event)
    envelope = from_kafka(list(message.headers.items()), message.value)
    assert envelope.data == event
    assert envelope.subject == str(event.participant_id)
    assert envelope.correlationid == envelope.id  # a record with no correlation starts its own


def _headers(**overrides: str | None) -> list[tuple[str, bytes]]:
    headers = {
        "ce_id": str(uuid.uuid4()),
        "ce_source": "/test",
        "ce_type": ParticipantJoined.event_type(),
        "ce_specversion": "1.0",
        "ce_time": datetime.now(UTC).isoformat(),
        "content-type": "application/json",
    }
    headers.update(overrides)
    return [(k, v.encode()) for k, v in headers.items() if v is not None]


@pytest.mark.parametrize(
    ("headers", "value", "error", "says"),
    [
        (_headers(ce_id=None), joined().model_dump_json().encode(), MalformedEvent, "ce_id"),
        (_headers(), b"{not json", MalformedEvent, "ParticipantJoined data invalid"),
        (_headers(), b'{"participant_id": "x"}', MalformedEvent, "participant_id"),
        (_headers(ce_type="org.mentoringmesh.ParticipantJoined.v9"), b"{}", UnknownEventType, "v9"),
        (_headers(**{"content-type": "application/avro"}), b"{}", MalformedEvent, "content-type"),
        (_headers(ce_time="yesterday"), joined().model_dump_json().encode(), MalformedEvent, "time"),
        (_headers(), None, MalformedEvent, "tombstone"),
    ],
)
def test_bad_records_are_refused_with_the_reason(headers, value, error, says) -> None:
    with pytest.raises(error, match=says):
        from_kafka(headers, value)


def test_tolerant_reader_ignores_unknown_fields() -> None:
    event = joined()
    data = json.loads(event.model_dump_json()) | {"added_in_a_later_minor_version": True}
    assert from_kafka(_headers(), json.dumps(data).encode()).data == event


def test_trace_context_travels_in_the_distributed_tracing_extension() -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    envelope = new_envelope(joined(), source="/mentoring-mesh/profile", traceparent=traceparent, tracestate="mesh=1")
    record = to_kafka(envelope)
    assert record.headers["ce_traceparent"] == traceparent and record.headers["ce_tracestate"] == "mesh=1"
    decoded = from_kafka([(k, v.encode()) for k, v in record.headers.items()], record.value)
    assert (decoded.traceparent, decoded.tracestate) == (traceparent, "mesh=1")
    assert "ce_traceparent" not in to_kafka(new_envelope(joined(), source="/x")).headers  # none outside a trace


@pytest.mark.parametrize("traceparent", ["not-a-trace", "00-XYZ-00f067aa0ba902b7-01", "00-" + "a" * 32 + "-" + "b" * 16])
def test_a_malformed_trace_context_is_dropped_never_the_event(traceparent: str) -> None:
    record = to_kafka(new_envelope(joined(), source="/mentoring-mesh/profile"))
    headers = [(k, v.encode()) for k, v in record.headers.items()] + [
        ("ce_traceparent", traceparent.encode()),
        ("ce_tracestate", b"a=b"),
    ]
    decoded = from_kafka(headers, record.value)
    assert decoded.traceparent is None and decoded.tracestate is None
    too_long = [(k, v.encode()) for k, v in record.headers.items()] + [
        ("ce_traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("ce_tracestate", b"x" * 600),
    ]
    kept = from_kafka(too_long, record.value)
    assert kept.traceparent is not None and kept.tracestate is None
