"""The platform's AsyncAPI 3.0 document, built from the contracts and the services' declarations."""

from collections.abc import Sequence
from typing import Any

from mentoring_contracts import CATALOG, TOPICS, Event, Topic, dead_letter_spec
from mentoring_contracts import __version__ as contracts_version
from mentoring_contracts.schemas import close_objects
from mesh_runtime.app import ServiceDefinition

CLOUDEVENT_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode.",
    "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "content-type"],
    "properties": {
        "ce_id": {"type": "string", "format": "uuid", "description": "Unique per event: the idempotency key."},
        "ce_source": {"type": "string", "description": "The publishing service, e.g. /mentoring-mesh/profile."},
        "ce_type": {"type": "string", "description": "org.mentoringmesh.<Name>.v<version>."},
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The aggregate id; equals the record key."},
        "ce_dataschema": {"type": "string", "description": "The $id of the data's JSON Schema."},
        "ce_correlationid": {"type": "string", "format": "uuid", "description": "Shared by every event of one journey."},
        "ce_causationid": {"type": "string", "format": "uuid", "description": "The event that caused this one."},
        "ce_institution": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]{0,62}$",
            "description": "The institution (tenant) the event belongs to; every platform consumer requires it.",
        },
        "ce_traceparent": {
            "type": "string",
            "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
            "description": "W3C trace context of the span that emitted it (distributed-tracing extension).",
        },
        "ce_tracestate": {"type": "string", "maxLength": 512, "description": "W3C tracestate, with ce_traceparent."},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def build(services: Sequence[ServiceDefinition]) -> dict[str, Any]:
    schemas: dict[str, Any] = {"CloudEventHeaders": CLOUDEVENT_HEADERS}
    messages: dict[str, Any] = {}
    for model in CATALOG:
        schema = model.model_json_schema(mode="validation", ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            if schemas.setdefault(name, close_objects(definition)) != definition:
                raise ValueError(f"two different schemas named {name}")
        schema["description"] = (model.__doc__ or "").strip()
        if model.retired:
            schema["deprecated"] = True
        key = _message_id(model)
        schemas[key] = close_objects(schema)
        messages[key] = {
            "name": key,
            "title": f"{model.name} v{model.version}" + (" (retired: read, never written)" if model.retired else ""),
            "summary": schema["description"].splitlines()[0],
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{key}"},
            "bindings": {
                "kafka": {"key": {"type": "string", "description": f"The {model.aggregate_field}."}, "bindingVersion": "0.5.0"}
            },
            "x-event-type": model.event_type(),
            "x-data-schema": model.data_schema(),
        }
    channels: dict[str, Any] = {}
    for topic in TOPICS:
        channel_id = topic.name.split(".")[1]
        models = [m for m in CATALOG if m.topic is topic]
        channels[channel_id] = {
            "address": topic.name,
            "description": topic.description,
            "messages": {_message_id(m): {"$ref": f"#/components/messages/{_message_id(m)}"} for m in models},
            "bindings": {"kafka": _binding(topic)},
            "x-key": topic.key,
            "x-public": topic.public,
        }
    operations: dict[str, Any] = {}
    for service in services:
        _add_operations(operations, channels, service.name, "send", service.publishes)
        _add_operations(operations, channels, service.name, "receive", service.consumes)
        if service.consumes:
            dlt = dead_letter_spec(service.name)
            channels[f"deadletter-{service.name}"] = {
                "address": dlt.name,
                "description": f"Records the {service.name} consumer group could not process, whole, with "
                "dlt_error_class, dlt_error_message and dlt_original_topic/partition/offset headers.",
                "bindings": {"kafka": _binding(dlt)},
                "x-public": False,
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Mentoring Mesh events",
            "version": contracts_version,
            "description": "Every event the platform publishes, the topic it travels on, its key, who publishes "
            "and who consumes it. Generated from the contracts package: `make contracts`.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:19092",
                "protocol": "kafka",
                "description": "The broker `make run` starts; deployments name their own.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _add_operations(
    operations: dict[str, Any],
    channels: dict[str, Any],
    service: str,
    action: str,
    models: "list[type[Event]] | tuple[type[Event], ...] | Any",
) -> None:
    by_channel: dict[str, list[type[Event]]] = {}
    for model in models:
        by_channel.setdefault(model.topic.name.split(".")[1], []).append(model)
    for channel_id, channel_models in sorted(by_channel.items()):
        verb = "publishes" if action == "send" else "consumes"
        operations[f"{service}-{verb}-{channel_id}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"{service} {verb} " + ", ".join(f"{m.name} v{m.version}" for m in channel_models),
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{_message_id(m)}"} for m in channel_models],
            **(
                {"bindings": {"kafka": {"groupId": {"type": "string", "enum": [service]}, "bindingVersion": "0.5.0"}}}
                if action == "receive"
                else {}
            ),
        }


def _message_id(model: type[Event]) -> str:
    """The current version goes by the event's name; a retired one by the model's (e.g. ParticipantJoinedV1)."""
    return model.__name__


def _binding(topic: Topic) -> dict[str, Any]:
    return {
        "topic": topic.name,
        "partitions": topic.partitions,
        "topicConfiguration": {"retention.ms": int(topic.config["retention.ms"]), "cleanup.policy": ["delete"]},
        "bindingVersion": "0.5.0",
    }
