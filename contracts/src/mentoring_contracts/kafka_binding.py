"""CloudEvents Kafka protocol binding, binary content mode.

Attributes go to headers named ``ce_<attribute>`` (UTF-8), ``datacontenttype`` to the
``content-type`` header, the data to the record value as JSON, the subject to the key.
"""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from mentoring_contracts.catalog import CATALOG, EventCatalog
from mentoring_contracts.envelope import TRACEPARENT_PATTERN, EventEnvelope
from mentoring_contracts.errors import MalformedEvent
from mentoring_contracts.events.base import Event

_ATTRIBUTES = (
    "id",
    "source",
    "type",
    "specversion",
    "time",
    "subject",
    "dataschema",
    "correlationid",
    "causationid",
    "institution",
    "traceparent",
    "tracestate",
)
_REQUIRED = ("id", "source", "type", "specversion", "time")
CONTENT_TYPE_HEADER = "content-type"


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    topic: str
    key: bytes
    headers: dict[str, str]
    value: bytes


def to_kafka(envelope: EventEnvelope[Any]) -> KafkaRecord:
    """Encode an envelope as the record a producer sends."""
    attributes = envelope.model_dump(mode="json", exclude={"data", "datacontenttype"})
    headers = {f"ce_{name}": str(value) for name, value in attributes.items() if value is not None}
    headers[CONTENT_TYPE_HEADER] = envelope.datacontenttype
    return KafkaRecord(
        topic=type(envelope.data).topic.name,
        key=envelope.subject.encode(),
        headers=headers,
        value=envelope.data.model_dump_json().encode(),
    )


def from_kafka(
    headers: dict[str, bytes] | list[tuple[str, bytes]],
    value: bytes | None,
    catalog: EventCatalog = CATALOG,
) -> EventEnvelope[Event]:
    """Decode a record; raises ``MalformedEvent`` or ``UnknownEventType`` with the reason."""
    header_map = _decode_headers(headers)
    missing = [name for name in _REQUIRED if f"ce_{name}" not in header_map]
    if missing:
        raise MalformedEvent(f"not a CloudEvent in binary mode: missing headers {', '.join('ce_' + m for m in missing)}")
    content_type = header_map.get(CONTENT_TYPE_HEADER, "application/json")
    if content_type.split(";")[0].strip() != "application/json":
        raise MalformedEvent(f"content-type {content_type!r} is not application/json")
    model = catalog.model_for(header_map["ce_type"])
    if value is None:
        raise MalformedEvent("record has no value (tombstone) where event data was expected")
    try:
        data = model.model_validate_json(value)
    except ValidationError as error:
        raise MalformedEvent(f"{model.name} data invalid: {_summarise(error)}") from error
    attributes = {name: text for name in _ATTRIBUTES if (text := header_map.get(f"ce_{name}")) is not None}
    if not re.fullmatch(TRACEPARENT_PATTERN, attributes.get("traceparent", "")):  # tracing never makes an event poison
        attributes.pop("traceparent", None)
        attributes.pop("tracestate", None)
    if len(attributes.get("tracestate", "")) > 512:  # W3C: a vendor list too long is dropped, not the event
        attributes.pop("tracestate")
    attributes.setdefault("subject", data.aggregate_id())
    attributes.setdefault("dataschema", model.data_schema())
    attributes.setdefault("correlationid", attributes["id"])
    try:
        # Parametrised with the class read from the record: the data is validated and serialised as that event.
        envelope = EventEnvelope[model]  # type: ignore[valid-type]  # a class known at run time only
        return envelope.model_validate({**attributes, "data": data, "datacontenttype": "application/json"})
    except ValidationError as error:
        raise MalformedEvent(f"envelope invalid: {_summarise(error)}") from error


def _decode_headers(headers: dict[str, bytes] | list[tuple[str, bytes]]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, dict) else headers
    decoded: dict[str, str] = {}
    for name, raw in pairs:
        try:
            decoded[name.lower()] = raw.decode() if isinstance(raw, bytes) else str(raw)
        except UnicodeDecodeError as error:
            raise MalformedEvent(f"header {name!r} is not UTF-8") from error
    return decoded


def _summarise(error: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in item['loc']) or '<root>'}: {item['msg']}" for item in error.errors()]
    return "; ".join(parts[:5]) + (f" (+{len(parts) - 5} more)" if len(parts) > 5 else "")
