"""JSON Schema of each event's data: what producers write (closed), versioned by ``$id``.

Validation mode: a field with a default is optional, so a reader replaying history written
before the field existed still validates. Every object is closed (``additionalProperties:
false``): the published schema says exactly what a strict writer sends.
"""

from typing import Any

from mentoring_contracts.events.base import Event

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def close_objects(node: Any) -> Any:
    """Marks every object schema in the tree as closed."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            close_objects(value)
    elif isinstance(node, list):
        for item in node:
            close_objects(item)
    return node


def event_schema(model: type[Event], ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation", ref_template=ref_template)
    close_objects(schema)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": model.data_schema(),
        "title": model.name,
        "description": (model.__doc__ or "").strip(),
        "x-event-type": model.event_type(),
        **({"deprecated": True} if model.retired else {}),
        "x-topic": model.topic.name,
        "x-key": model.aggregate_field,
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def schema_file_name(model: type[Event]) -> str:
    return f"{model.name}.v{model.version}.schema.json"
