"""Hostile profile input through the API is a 422 problem, and nothing is stored or published:
the reported 500 (a time zone of a few hundred characters), control characters (L1), NaN (L2)."""

import pytest

from mentoring_contracts.topics import PARTICIPANTS
from tests.support.factories import profile
from tests.support.identity import as_
from tests.support.services import outbox_types

PROBLEM = "application/problem+json"


def as_person_with(body: dict) -> dict[str, str]:
    """A participant whose institution vouches for the profile's address."""
    return as_("profile", "participant", campuses=("north",), email=body["email"])


@pytest.fixture
def programs() -> tuple[str, ...]:
    return ("first-year-stem",)


async def test_time_zone_hostile_zones_in_a_profile_put_are_422_problems_not_500s(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json")
    joined = await client.post("/participants", json=body, headers=as_person_with(body))
    assert joined.status_code == 201, joined.text
    participant_id = joined.json()["participant_id"]
    for zone in ("Europe/" + "Berlin" * 60, "x" * 300, "../../etc/passwd", "UTC\n", "America", "zone.tab"):
        response = await client.put(f"/participants/{participant_id}/profile", json=body | {"time_zone": zone})
        assert response.status_code == 422, (zone, response.status_code, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert [error["location"] for error in response.json()["errors"]] == ["body.time_zone"]
    stored = await client.get(f"/participants/{participant_id}")
    assert stored.json()["profile"]["time_zone"] == "Europe/Berlin"
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined"]


async def test_l1_a_display_name_with_cr_lf_is_a_422_problem(profile_service) -> None:
    app, client = profile_service
    body = profile(display_name="Ada").model_dump(mode="json") | {"display_name": "Ada\r\nBcc: x@example.org"}
    response = await client.post("/participants", json=body, headers=as_person_with(body))
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0] | {"message": ""} == {
        "location": "body.display_name",
        "message": "",
        "type": "control_character",
    }
    assert await outbox_types(app, PARTICIPANTS.name) == []


@pytest.mark.parametrize("literal", [b"Infinity", b"NaN", b"-Infinity"])
async def test_l2_a_non_finite_custom_attribute_is_a_422_problem(profile_service, literal: bytes) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json")
    text = profile().model_copy(update={"email": body["email"]}).model_dump_json(exclude={"custom_attributes"})
    content = text[:-1].encode() + b',"custom_attributes":{"grade":' + literal + b"}}"
    response = await client.post(
        "/participants", content=content, headers={"Content-Type": "application/json"} | as_person_with(body)
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert await outbox_types(app, PARTICIPANTS.name) == []
