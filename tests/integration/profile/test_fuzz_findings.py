"""What `make fuzz` found in profile's API, kept found: each answered as documented."""

import json
import re
import uuid

import pytest

from tests.support.factories import profile
from tests.support.identity import as_, as_person
from tests.support.programs import create_program, program_body


@pytest.mark.parametrize("lax", [0, 1, "no", "true", None])
async def test_whether_mentors_need_approval_is_true_or_false_not_a_number_or_a_word(profile_service, lax) -> None:
    """Schemathesis sent ``"mentors_need_approval": 0`` in PUT /programs/{id} and it was taken as false."""
    _, client = profile_service
    await create_program(client, "approvals")
    body = program_body("approvals", mentors_need_approval=lax)
    del body["program_id"]
    refused = await client.put("/programs/approvals", json=body, headers=as_("profile", "admin"))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "mentors_need_approval" in refused.text
    created = await client.post(
        "/programs", json=program_body("approvals-lax", mentors_need_approval=lax), headers=as_("profile", "admin")
    )
    assert created.status_code == 422, created.text
    body["mentors_need_approval"] = True
    taken = await client.put("/programs/approvals", json=body, headers=as_("profile", "admin"))
    assert taken.status_code == 200 and taken.json()["mentors_need_approval"] is True, taken.text


@pytest.mark.parametrize("lax", [False, True, "3", 2.0])
async def test_a_roles_capacity_is_a_whole_number_not_a_boolean(profile_service, lax) -> None:
    """Schemathesis sent ``"capacity": [{"role": "mentor", "most": false}]`` and it was taken as 0."""
    _, client = profile_service
    refused = await client.post(
        "/programs", json=program_body("capped", capacity=[{"role": "mentor", "most": lax}]), headers=as_("profile", "admin")
    )
    assert refused.status_code == 422 and "most" in refused.text, refused.text
    taken = await client.post(
        "/programs", json=program_body("capped", capacity=[{"role": "mentor", "most": 0}]), headers=as_("profile", "admin")
    )
    assert taken.status_code == 201 and taken.json()["capacity"] == [{"role": "mentor", "most": 0}], taken.text


async def test_a_time_of_day_is_documented_as_the_local_time_the_api_takes_and_shows(profile_service) -> None:
    """A participant's own profile (reached with a real id) showed ``"17:00:00"`` where the document said
    format ``time``, RFC 3339's, which needs an offset the API refuses."""
    _, client = profile_service
    await create_program(client)
    document = (await client.get("/openapi.json")).json()
    slot = document["components"]["schemas"]["AvailabilitySlot"]["properties"]
    assert "format" not in slot["start"] and "format" not in slot["end"]
    assert '"format":"time"' not in json.dumps(document, separators=(",", ":"))
    pattern = re.compile(slot["start"]["pattern"])
    given = profile(weekly_availability=[{"weekday": "mon", "start": "17:00", "end": "19:15"}])
    joined = await client.post(
        "/participants", json=given.model_dump(mode="json"), headers=as_person("profile", email=str(given.email))
    )
    assert joined.status_code == 201, joined.text
    shown = joined.json()["profile"]["weekly_availability"][0]
    assert pattern.match(shown["start"]) and pattern.match(shown["end"]), shown
    assert pattern.match("17:00") and not pattern.match("17:00:00Z") and not pattern.match("17:00+01:00")
    with_offset = given.model_dump(mode="json") | {
        "weekly_availability": [{"weekday": "mon", "start": "17:00Z", "end": "19:00Z"}]
    }
    refused = await client.post("/participants", json=with_offset, headers=as_person("profile", email=str(given.email)))
    assert refused.status_code == 422, refused.text


@pytest.mark.parametrize("lax", [0, 1726272000, 20260914.0, True])
async def test_a_terms_dates_are_written_as_dates_not_numbers(profile_service, lax) -> None:
    """Schemathesis sent ``"starts_on": 0`` in a program's term and it was taken as 1970-01-01."""
    _, client = profile_service
    term = {"term_id": "2026-autumn", "name": "Autumn 2026", "starts_on": lax, "ends_on": "2026-12-18"}
    refused = await client.post("/programs", json=program_body("termed", terms=[term]), headers=as_("profile", "admin"))
    assert refused.status_code == 422 and "starts_on" in refused.text, refused.text
    taken = await client.post(
        "/programs", json=program_body("termed", terms=[term | {"starts_on": "2026-09-14"}]), headers=as_("profile", "admin")
    )
    assert taken.status_code == 201 and taken.json()["terms"][0]["starts_on"] == "2026-09-14", taken.text


@pytest.mark.parametrize(("start", "end"), [("17:00", "19:00Z"), ("17:00+01:00", "19:00"), ("17:00Z", "19:00Z")])
async def test_an_availability_with_an_offset_on_one_side_is_refused_not_a_server_error(profile_service, start, end) -> None:
    """Schemathesis sent a naive start with an aware end: comparing them raised, a 500 on join and on PUT profile."""
    _, client = profile_service
    await create_program(client)
    given = profile()
    joined = await client.post(
        "/participants",
        json=given.model_dump(mode="json"),
        headers=as_person("profile", subject=(subject := str(uuid.uuid4())), email=str(given.email)),
    )
    assert joined.status_code == 201, joined.text
    changed = given.model_dump(mode="json") | {"weekly_availability": [{"weekday": "mon", "start": start, "end": end}]}
    for method, path in (("POST", "/participants"), ("PUT", f"/participants/{joined.json()['participant_id']}/profile")):
        answer = await client.request(
            method, path, json=changed, headers=as_person("profile", subject=subject, email=str(given.email))
        )
        assert answer.status_code == 422 and "without an offset" in answer.text, (method, answer.text)
