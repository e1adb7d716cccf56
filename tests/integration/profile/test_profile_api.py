"""Profile over HTTP on a real database: joining, duplicates, validation errors."""

import uuid

import pytest

from mesh_profile.adapters.postgres import PostgresParticipants
from mesh_profile.bootstrap import DEFINITION
from tests.support.identity import INSTITUTION, as_, as_person
from tests.support.services import outbox_types, running
from tests.unit.factories import profile


@pytest.fixture
async def profile_service(endpoints, database_factory):
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory()) as service:
        yield service


async def test_joining_stores_the_participant_and_emits_participant_joined(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json")
    correlation = str(uuid.uuid4())
    response = await client.post("/participants", json=body, headers={"X-Correlation-ID": correlation} | as_person("profile"))
    assert response.status_code == 201, response.text
    participant_id = response.json()["participant_id"]
    fetched = await client.get(f"/participants/{participant_id}")
    assert fetched.json()["profile"]["email"] == body["email"]
    assert await outbox_types(app) == ["ParticipantJoined"]
    headers = await app.state.components.database.pool.fetchval("SELECT headers FROM mesh_outbox")
    assert headers["ce_correlationid"] == correlation
    assert headers["ce_subject"] == participant_id


async def test_the_same_email_joins_a_program_once_whatever_its_case(profile_service) -> None:
    app, client = profile_service
    body = profile(email="Grace.Hopper@Uni.Example.edu").model_dump(mode="json")
    grace = as_person("profile")
    assert (await client.post("/participants", json=body, headers=grace)).status_code == 201
    again = await client.post("/participants", json=body | {"email": "grace.hopper@uni.example.edu"}, headers=as_person("profile"))
    assert again.status_code == 409
    assert "this email already joined program" in again.json()["detail"]
    twice = await client.post("/participants", json=body | {"email": "g.hopper@uni.example.edu"}, headers=grace)
    assert twice.status_code == 409 and "this account already joined" in twice.json()["detail"]
    other_program = await client.post("/participants", json=body | {"program_id": "workplace-onboarding"}, headers=grace)
    assert other_program.status_code == 201
    assert await outbox_types(app) == ["ParticipantJoined", "ParticipantJoined"]


async def test_a_program_claimed_by_a_concurrent_first_join_is_seen_as_the_institutions(profile_service) -> None:
    """Term start: two first joins of a new program race to claim its id. The second waits for the
    first's commit; it must then see the program as its institution's, not as someone else's (404)."""
    import asyncio

    app, client = profile_service
    database = app.state.components.database
    async with database.transaction(INSTITUTION) as first:
        assert await PostgresParticipants(first.connection).claim_program("new-term-peers", INSTITUTION) == INSTITUTION

        async def second_claim() -> str | None:
            async with database.transaction(INSTITUTION) as second:
                return await PostgresParticipants(second.connection).claim_program("new-term-peers", INSTITUTION)

        racing = asyncio.create_task(second_claim())
        await asyncio.sleep(0.5)  # the second claim's insert now waits on the first's row
        assert not racing.done()
    assert await racing == INSTITUTION
    body = profile(program_id="new-term-peers").model_dump(mode="json")
    elsewhere = await client.post("/participants", json=body,
                                  headers=as_("profile", "participant", institution="other-college", campuses=("north",)))
    assert elsewhere.status_code == 404


async def test_bad_input_is_refused_with_the_field_and_the_reason(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json") | {"time_zone": "Mars/Olympus", "email": "nope"}
    response = await client.post("/participants", json=body, headers=as_person("profile"))
    assert response.status_code == 422
    problems = {tuple(item["loc"]): item["msg"] for item in response.json()["detail"]}
    assert any("Mars/Olympus" in msg for loc, msg in problems.items() if "time_zone" in loc)
    assert any("email" in loc for loc in problems)
    assert (await client.post("/participants", content=b"{not json",
                              headers={"content-type": "application/json"} | as_person("profile"))).status_code == 422
    assert await outbox_types(app) == []


async def test_a_participant_updates_their_profile_then_leaves(profile_service) -> None:
    app, client = profile_service
    body = profile().model_dump(mode="json")
    other = profile().model_dump(mode="json")
    participant_id = (await client.post("/participants", json=body, headers=as_person("profile"))).json()["participant_id"]
    await client.post("/participants", json=other, headers=as_person("profile"))
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
    assert await outbox_types(app) == ["ParticipantJoined", "ParticipantJoined", "ParticipantProfileUpdated", "ParticipantLeft"]
