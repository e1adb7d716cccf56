"""The compatibility guard: deliberate breaking changes fail it, additive ones pass."""

import copy

import pytest

from mentoring_contracts import MatchProposed, ParticipantJoined
from mentoring_contracts.schemas import event_schema
from tools.compat import breaking_changes, compare_releases


@pytest.fixture
def joined() -> dict:
    return event_schema(ParticipantJoined)


def test_an_unchanged_schema_passes(joined) -> None:
    assert breaking_changes(joined, copy.deepcopy(joined)) == []


def test_a_removed_or_renamed_field_breaks(joined) -> None:
    new = copy.deepcopy(joined)
    new["properties"]["joined_on"] = new["properties"].pop("joined_at")
    new["required"] = [f if f != "joined_at" else "joined_on" for f in new["required"]]
    changes = breaking_changes(joined, new)
    assert "ParticipantJoined.joined_at: field removed or renamed" in changes
    assert "ParticipantJoined.joined_on: new required field" in changes


def test_a_changed_type_breaks_even_when_nested(joined) -> None:
    new = copy.deepcopy(joined)
    new["$defs"]["ParticipantAttributes"]["properties"]["mentor_capacity"] = {"type": "string"}
    assert breaking_changes(joined, new) == [
        "ParticipantJoined.attributes.mentor_capacity: type changed from ['integer'] to ['string']"
    ]


def test_a_new_required_field_breaks_and_a_new_optional_one_does_not(joined) -> None:
    optional = copy.deepcopy(joined)
    optional["properties"]["referral_code"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert breaking_changes(joined, optional) == []
    required = copy.deepcopy(optional)
    required["required"].append("referral_code")
    assert breaking_changes(joined, required) == ["ParticipantJoined.referral_code: new required field"]


def test_a_narrowed_enum_breaks_and_a_widened_one_does_not() -> None:
    old = event_schema(MatchProposed)
    widened, narrowed = copy.deepcopy(old), copy.deepcopy(old)
    widened["properties"]["kind"]["enum"].append("group")
    narrowed["properties"]["kind"]["enum"].remove("peer")
    assert breaking_changes(old, widened) == []
    assert breaking_changes(old, narrowed) == ["MatchProposed.kind: enum narrowed, ['peer'] no longer allowed"]


def test_making_a_field_nullable_changes_its_type(joined) -> None:
    new = copy.deepcopy(joined)
    new["properties"]["joined_at"] = {"anyOf": [joined["properties"]["joined_at"], {"type": "null"}]}
    assert breaking_changes(joined, new)[0].startswith("ParticipantJoined.joined_at: type changed")


def test_removing_an_event_breaks_and_adding_one_does_not(joined) -> None:
    baseline = {"ParticipantJoined.v1.schema.json": joined}
    assert compare_releases(baseline, {}) == [
        "ParticipantJoined.v1.schema.json: event removed (publish a new version beside it instead)"
    ]
    current = {**baseline, "ParticipantJoined.v2.schema.json": joined}
    assert compare_releases(baseline, current) == []
