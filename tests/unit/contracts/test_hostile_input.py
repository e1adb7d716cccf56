"""Hostile input to the contracts is a validation error, never a server error nor a broken mail:
control characters (L1), non-finite numbers (L2), and time zones that reach the file system."""

import math
import zoneinfo

import pytest
from pydantic import BaseModel, ValidationError

from mentoring_contracts import ParticipantProfile, ScorePart
from mentoring_contracts.events import base
from mentoring_contracts.events.base import AccountSubject, ContractModel, Label, Reason, TimeZoneName
from mentoring_contracts.events.programs import EligibilityRule
from mentoring_contracts.events.sessions import Reflection
from tests.support.factories import profile

CONTROLS = ["\r", "\n", "\r\n", "\t", "\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"]
MULTI_LINE_REFUSED = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"]


class Texts(BaseModel):
    label: Label | None = None
    subject: AccountSubject | None = None
    reason: Reason | None = None
    zone: TimeZoneName | None = None


def refused_type(**given: object) -> str:
    with pytest.raises(ValidationError) as refused:
        Texts(**given)
    return refused.value.errors()[0]["type"]


def test_l1_a_display_name_with_cr_lf_is_refused() -> None:
    with pytest.raises(ValidationError, match="control characters"):
        profile(display_name="Ada\r\nX")


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("field", ["label", "subject"])
def test_l1_single_line_text_refuses_every_control_character_anywhere(field: str, control: str) -> None:
    for text in (f"Ada{control}X", f"{control}Ada", f"Ada{control}"):  # at the ends too: never trimmed away
        assert refused_type(**{field: text}) == "control_character"


@pytest.mark.parametrize("field", ["display_name", "campus", "department"])
def test_l1_every_label_of_a_profile_refuses_line_breaks(field: str) -> None:
    with pytest.raises(ValidationError):
        profile(**{field: "north\nBcc: x@example.org"})
    for listed in ("goals", "languages", "experiences", "interests", "challenges"):
        with pytest.raises(ValidationError):
            profile(**{listed: ["line\u2028separated"]})


def test_l1_rule_values_and_topics_refuse_control_characters() -> None:
    with pytest.raises(ValidationError):
        EligibilityRule(rule_id="r", attribute="department", operator="equals", value="Maths\r\n")
    with pytest.raises(ValidationError):
        profile(topics=[{"topic": "Calculus\x00II", "role": "mentee"}])


def test_l1_multi_line_text_keeps_line_feeds_and_tabs() -> None:
    assert Texts(reason="first line\n\tsecond line").reason == "first line\n\tsecond line"
    notes = Reflection(participant_id="0b7c6f2e-3f1a-4c55-9d0e-6a1f4f0f8a11", progress_rating=4, notes="a\n\tb")
    assert notes.notes == "a\n\tb"


def test_l1_multi_line_text_reads_cr_lf_and_a_lone_cr_as_a_line_feed() -> None:
    assert Texts(reason="one\r\ntwo\rthree").reason == "one\ntwo\nthree"


@pytest.mark.parametrize("control", MULTI_LINE_REFUSED)
def test_l1_multi_line_text_refuses_every_other_control_character(control: str) -> None:
    assert refused_type(reason=f"one{control}two") == "control_character"
    with pytest.raises(ValidationError):
        Reflection(participant_id="0b7c6f2e-3f1a-4c55-9d0e-6a1f4f0f8a11", progress_rating=4, notes=f"a{control}b")


def test_l1_nul_is_named_as_postgresql_would() -> None:
    with pytest.raises(ValidationError, match=r"NUL character"):
        Texts(label="a\x00b")


def test_l1_the_published_schema_states_the_rule() -> None:
    properties = ParticipantProfile.model_json_schema()["properties"]
    assert properties["display_name"]["pattern"] == base.SINGLE_LINE
    assert Reflection.model_json_schema()["properties"]["notes"]["pattern"] == base.MULTI_LINE


def test_l1_ordinary_text_in_any_script_passes() -> None:
    assert Texts(label="  Zoë 李 Ñandú – O'Brien  ", subject="auth0|5f7c8ec7").label == "Zoë 李 Ñandú – O'Brien"


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_l2_non_finite_numbers_are_refused_in_every_float_of_the_contracts(number: float) -> None:
    with pytest.raises(ValidationError):
        profile(custom_attributes={"grade": number})
    for operands in (
        {"operator": "range", "minimum": number},
        {"operator": "range", "maximum": number},
        {"operator": "equals", "value": number},
        {"operator": "one_of", "values": [1, number]},
    ):
        with pytest.raises(ValidationError):
            EligibilityRule(rule_id="r", attribute="year_of_study", **operands)
    with pytest.raises(ValidationError):
        ScorePart(criterion="goals", weight=number, value=0.5)


def _contract_models(root: type[BaseModel]) -> list[type[BaseModel]]:
    found = [root]
    for sub in root.__subclasses__():
        found += _contract_models(sub)
    return found


def test_l2_every_contract_model_refuses_non_finite_numbers() -> None:
    """One shared base holds the rule: no model of the contracts (nor one derived from them) opts out."""
    models = _contract_models(ContractModel)
    assert len(models) > 30
    assert [m.__name__ for m in models if m.model_config.get("allow_inf_nan") is not False] == []


def test_l2_finite_numbers_still_pass() -> None:
    assert profile(custom_attributes={"grade": 2.5, "course": "MATH101", "year": 2}).custom_attributes["grade"] == 2.5


HOSTILE_ZONES = [
    "x" * 300,
    "Europe/" + "x" * 300,
    "a/" * 200,
    "../../etc/passwd",
    "/etc/passwd",
    "Europe/../../etc/passwd",
    "\x00",
    "UTC\x00",
    "UTC\n",
    "\nUTC",
    "UTC ",
    " UTC",
    "",
    "Europe\\Berlin",
    "Europe//Berlin",
    "Europe/",
    "America",
    "Etc",
    "zone.tab",
    "tzdata.zi",
    "Mars/Olympus",
    "UTC\u2028",
]


@pytest.mark.parametrize("zone", HOSTILE_ZONES)
def test_time_zone_hostile_names_are_validation_errors(zone: str) -> None:
    with pytest.raises(ValidationError):
        Texts(zone=zone)
    with pytest.raises(ValidationError):
        profile(time_zone=zone)


@pytest.mark.parametrize("zone", HOSTILE_ZONES)
def test_time_zone_the_check_itself_raises_only_value_errors(zone: str) -> None:
    """Called directly, past pydantic's length and shape: whatever the lookup raises is a ValueError."""
    with pytest.raises(ValueError):
        base._known_time_zone(zone)


@pytest.mark.parametrize(
    "raised",
    [
        OSError(36, "File name too long"),
        IsADirectoryError(21, "Is a directory"),
        PermissionError(13, "Permission denied"),
        KeyError("x"),
        ValueError("bad TZif"),
        zoneinfo.ZoneInfoNotFoundError("x"),
        UnicodeEncodeError("utf-8", "x", 0, 1, "bad"),
    ],
)
def test_time_zone_every_failure_of_the_lookup_is_a_validation_error(monkeypatch: pytest.MonkeyPatch, raised: Exception) -> None:
    def failing(key: str) -> None:
        raise raised

    monkeypatch.setattr(base, "ZoneInfo", failing)
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        Texts(zone="Europe/Berlin")


def test_time_zone_every_iana_name_still_passes() -> None:
    zones = zoneinfo.available_timezones()
    assert {"Europe/Berlin", "America/Argentina/ComodRivadavia", "Etc/GMT+5", "UTC"} <= zones
    for zone in zones:
        assert Texts(zone=zone).zone == zone
