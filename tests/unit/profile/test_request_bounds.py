"""Profile's request bodies: bounded (L10), and the reported 500 (a time zone of a few hundred
characters, OSError: File name too long) is a validation error."""

import pytest
from pydantic import ValidationError

from mentoring_contracts import ParticipantProfile
from mesh_profile.adapters.http.participants import Claim
from mesh_profile.adapters.http.roster import Row
from tests.support.factories import profile


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/" + "Berlin" * 60,
        "x" * 300,
        "../../etc/passwd",
        "\x00",
        "UTC\n",
        "Europe/Berlin/",
        "America",
        "right/../../etc/passwd",
    ],
)
def test_time_zone_a_hostile_zone_in_a_profile_put_is_a_validation_error(zone: str) -> None:
    body = profile().model_dump(mode="json") | {"time_zone": zone}
    with pytest.raises(ValidationError) as refused:
        ParticipantProfile.model_validate(body)
    assert [error["loc"] for error in refused.value.errors()] == [("time_zone",)]


def test_l10_a_claim_names_a_program_id_not_any_text() -> None:
    assert Claim(program_id="first-year-stem").program_id == "first-year-stem"
    for bad in ("x" * 10_000, "Has Spaces", "a\nb"):
        with pytest.raises(ValidationError):
            Claim(program_id=bad)


def test_l10_a_roster_row_holds_a_bounded_profile() -> None:
    assert Row(line=1, external_id="s1", profile={"display_name": "Ada"}).profile == {"display_name": "Ada"}
    with pytest.raises(ValidationError):
        Row(line=1, external_id="s1", profile={f"field_{n}": n for n in range(65)})
    with pytest.raises(ValidationError):
        Row(line=1, external_id="s1", profile={"x" * 65: 1})
