"""No event a service writes carries personal data: names, addresses, account ids and people's own
words stay behind the services' APIs, where erasure reaches them (contracts 2.0)."""

from typing import Any

import pytest

from mentoring_contracts import ALL_EVENTS, CURRENT_EVENTS, Event
from mentoring_contracts.schemas import event_schema

# Field names that hold personal data whatever their type; a new field with one of these names in a
# current event fails here even if it was not marked.
PERSONAL_NAMES = {
    "display_name",
    "email",
    "subject",
    "experiences",
    "goals",
    "challenges",
    "interests",
    "reason",
    "reasons",
    "notes",
    "description",
    "expectations",
    "profile",
}


def _personal_fields(node: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        if node.get("x-personal-data"):
            found.append(path)
        for key, value in node.items():
            if key == "properties":
                for name, prop in value.items():
                    found += [f"{path}.{name}"] if name in PERSONAL_NAMES else []
                    found += _personal_fields(prop, f"{path}.{name}")
            else:
                found += _personal_fields(value, path if key in ("$defs", "items", "anyOf") else f"{path}")
    elif isinstance(node, list):
        for item in node:
            found += _personal_fields(item, path)
    return found


# A program's own record, written by its staff about the program, names no participant.
NOT_ABOUT_A_PERSON = {"ProgramClosed": {".reason"}}


@pytest.mark.parametrize("model", CURRENT_EVENTS, ids=lambda model: model.event_type())
def test_current_events_carry_no_personal_data(model: type[Event]) -> None:
    assert set(_personal_fields(event_schema(model))) - NOT_ABOUT_A_PERSON.get(model.name, set()) == set()


def test_the_retired_versions_are_the_ones_that_did() -> None:
    retired = [model for model in ALL_EVENTS if model.retired]
    assert retired and all(_personal_fields(event_schema(model)) for model in retired)
    assert {model.name for model in retired} <= {model.name for model in CURRENT_EVENTS}  # each has its successor


def test_the_detector_sees_an_unmarked_personal_field() -> None:
    schema = {"properties": {"attributes": {"properties": {"email": {"type": "string"}}}}}
    assert _personal_fields(schema) == [".attributes.email"]
