"""A coordinator's digest takes its time zone by the contracts' rule: a hostile name is a
validation error, never an error of the file system (and the zone list is not walked per request)."""

import pytest
from pydantic import ValidationError

from mesh_notify.adapters.http.digest import DigestRequest


@pytest.mark.parametrize(
    "zone",
    [
        "x" * 300,
        "Europe/" + "x" * 300,
        "../../etc/passwd",
        "/etc/passwd",
        "\x00",
        "UTC\n",
        "Europe\\Berlin",
        "America",
        "zone.tab",
        "Mars/Olympus",
        "",
    ],
)
def test_time_zone_a_hostile_digest_zone_is_a_validation_error(zone: str) -> None:
    with pytest.raises(ValidationError):
        DigestRequest(hour=8, time_zone=zone)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Argentina/ComodRivadavia", "UTC", "Etc/GMT-14"])
def test_time_zone_iana_names_are_taken(zone: str) -> None:
    assert DigestRequest(hour=8, time_zone=zone).time_zone == zone
