"""Profile over HTTP on a real database: joining, duplicates, validation errors."""

import uuid

import pytest

from mentoring_contracts.topics import PARTICIPANTS, PROGRAMS
from tests.support.factories import profile
from tests.support.identity import as_, as_person
from tests.support.programs import program_body
from tests.support.services import outbox_types


@pytest.fixture
def programs() -> tuple[str, ...]:
    return ("first-year-stem", "workplace-onboarding")


async def test_joining_stores_the_participant_and_emits_participant_joined(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json")
    correlation = str(uuid.uuid4())
    response = await client.post(
        "/participants", json=body, headers={"X-Correlation-ID": correlation} | as_person("profile", email=body["email"])
    )
    assert response.status_code == 201, response.text
    participant_id = response.json()["participant_id"]
    fetched = await client.get(f"/participants/{participant_id}")
    assert fetched.json()["profile"]["email"] == body["email"]
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined"]
    headers = await app.state.components.database.pool.fetchval(
        "SELECT headers FROM mesh_outbox WHERE topic = $1", PARTICIPANTS.name
    )
    assert headers["ce_correlationid"] == correlation
    assert headers["ce_subject"] == participant_id


async def test_the_same_email_joins_a_program_once_whatever_its_case(profile_service) -> None:
    app, client = profile_service
    body = profile(email="Grace.Hopper@Uni.Example.edu").model_dump(mode="json")
    subject = str(uuid.uuid4())
    grace = as_person("profile", subject=subject, email=body["email"])
    joined = await client.post("/participants", json=body, headers=grace)
    assert joined.status_code == 201
    again = await client.post(
        "/participants",
        json=body | {"email": "grace.hopper@uni.example.edu"},
        headers=as_person("profile", email="grace.hopper@uni.example.edu"),
    )
    assert again.status_code == 409
    assert "this email already joined program" in again.json()["detail"]
    assert "participant_id" not in again.json() and "Location" not in again.headers  # not another account's to know
    retried = await client.post("/participants", json=body, headers=grace)  # her client lost the first answer
    mine = joined.json()["participant_id"]
    assert retried.status_code == 409 and retried.json()["type"] == "urn:mentoringmesh:problem:already-joined"
    assert retried.json()["participant_id"] == mine and retried.headers["Location"] == f"/participants/{mine}"
    renamed = as_person("profile", subject=subject, email="g.hopper@uni.example.edu")  # her address changed since
    twice = await client.post("/participants", json=body | {"email": "g.hopper@uni.example.edu"}, headers=renamed)
    assert twice.status_code == 409 and "this account already joined" in twice.json()["detail"]
    other_program = await client.post("/participants", json=body | {"program_id": "workplace-onboarding"}, headers=grace)
    assert other_program.status_code == 201
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined", "ParticipantJoined"]


async def test_a_join_needs_a_program_of_the_institution_and_ids_are_the_platforms(profile_service) -> None:
    app, client = profile_service
    nowhere = profile(program_id="no-such-program").model_dump(mode="json")
    unknown = await client.post("/participants", json=nowhere, headers=as_person("profile", email=nowhere["email"]))
    assert unknown.status_code == 404 and "no program 'no-such-program'" in unknown.json()["detail"]
    body = profile().model_dump(mode="json")
    elsewhere = await client.post(
        "/participants",
        json=body,
        headers=as_("profile", "participant", institution="other-college", campuses=("north",), email=body["email"]),
    )
    assert elsewhere.status_code == 404  # first-year-stem is this institution's: invisible to another
    taken = await client.post(
        "/programs", json=program_body("first-year-stem"), headers=as_("profile", "admin", institution="other-college")
    )
    assert taken.status_code == 409 and taken.json()["type"] == "urn:mentoringmesh:problem:program-id-taken"
    assert taken.headers["content-type"] == "application/problem+json"
    assert await outbox_types(app, PROGRAMS.name) == ["ProgramCreated", "ProgramCreated"]  # the fixture's two


async def test_bad_input_is_refused_with_the_field_and_the_reason(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json") | {"time_zone": "Mars/Olympus", "email": "nope"}
    response = await client.post("/participants", json=body, headers=as_person("profile", email="a@uni.example.edu"))
    assert response.status_code == 422
    problems = {item["location"]: item["message"] for item in response.json()["errors"]}
    assert any("Mars/Olympus" in message for location, message in problems.items() if location == "body.time_zone")
    assert "body.email" in problems
    assert "body.time_zone" in response.json()["detail"] and "body.email" in response.json()["detail"]
    broken = await client.post(
        "/participants", content=b"{not json", headers={"content-type": "application/json"} | as_person("profile")
    )
    assert broken.status_code == 422 and broken.headers["content-type"] == "application/problem+json"
    assert broken.json()["errors"][0]["type"] == "json_invalid"
    assert await outbox_types(app, PARTICIPANTS.name) == []


async def test_a_participant_updates_their_profile_then_leaves(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json")
    other = profile().model_dump(mode="json")
    participant_id = (await client.post("/participants", json=body, headers=as_person("profile", email=body["email"]))).json()[
        "participant_id"
    ]
    await client.post("/participants", json=other, headers=as_person("profile", email=other["email"]))
    changed = body | {"goals": ["find a research project"], "time_zone": "America/New_York"}
    response = await client.put(f"/participants/{participant_id}/profile", json=changed)
    assert response.status_code == 200 and response.json()["profile"]["time_zone"] == "America/New_York"
    moved = await client.put(f"/participants/{participant_id}/profile", json=changed | {"program_id": "other-program"})
    assert moved.status_code == 422 and "leave and join" in moved.json()["detail"]
    taken = await client.put(f"/participants/{participant_id}/profile", json=changed | {"email": other["email"].upper()})
    assert taken.status_code == 409
    left = await client.post(f"/participants/{participant_id}/leave", json={"reason": "graduated"})
    assert left.status_code == 200 and left.json()["status"] == "left"
    assert (await client.post(f"/participants/{participant_id}/leave", json={})).status_code == 409
    assert (await client.put(f"/participants/{participant_id}/profile", json=changed)).status_code == 409
    assert (await client.post(f"/participants/{uuid.uuid4()}/leave", json={})).status_code == 404
    assert await outbox_types(app, PARTICIPANTS.name) == [
        "ParticipantJoined",
        "ParticipantJoined",
        "ParticipantProfileUpdated",
        "ParticipantLeft",
    ]
