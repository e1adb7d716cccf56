"""Roster import on a real database: upserted by external id, every row's outcome, and idempotent."""

import pytest

from mentoring_contracts.topics import PARTICIPANTS
from mesh_profile.bootstrap import DEFINITION
from tests.support.identity import as_
from tests.support.programs import create_program
from tests.support.services import in_tenant, outbox_types, running
from tests.unit.factories import profile

ADMIN = as_("profile", "admin")


@pytest.fixture
async def profile_service(endpoints, database_factory):
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory()) as service:
        await create_program(service[1], "first-years", eligibility=[
            {"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student"}])
        yield service


def row(line: int, external_id: str, **overrides) -> dict:
    given = profile(**{"affiliation": "student", "email": f"{external_id}@uni.example.edu", **overrides}).model_dump(mode="json")
    del given["program_id"], given["program_setting"]  # the program's, by default
    return {"line": line, "external_id": external_id, "profile": given}


async def send(client, rows, headers=ADMIN):
    response = await client.post("/programs/first-years/roster", json={"rows": rows}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_rows_are_upserted_by_external_id_each_with_its_outcome_and_a_batch_sent_again_changes_nothing(
        profile_service) -> None:
    app, client = profile_service
    bad_zone = row(4, "s4")
    bad_zone["profile"]["time_zone"] = "Mars/Olympus"
    rows = [row(2, "s2"), row(3, "s3"), bad_zone, row(5, "s2"), row(6, "s6", affiliation="staff"),
            row(7, "s7", campus="south")]
    first = await send(client, rows)
    assert (first["new"], first["updated"], first["unchanged"], first["rejected"]) == (3, 0, 0, 3)
    reasons = {r["line"]: r["reasons"] for r in first["rows"] if r["outcome"] == "rejected"}
    assert any("Mars/Olympus" in reason for reason in reasons[4])
    assert reasons[5][0] == "external id 's2' is also on line 2"
    assert reasons[6] == ["students: affiliation is 'staff'; the program asks for 'student'"]
    assert [r["line"] for r in first["rows"]] == [2, 3, 4, 5, 6, 7]

    again = await send(client, rows)  # the same batch after a crash: nothing twice
    assert (again["new"], again["unchanged"], again["rejected"]) == (0, 3, 3)
    assert {r["participant_id"] for r in again["rows"] if r["outcome"] == "unchanged"} == {
        r["participant_id"] for r in first["rows"] if r["outcome"] == "new"}
    moved = await send(client, [row(2, "s2", campus="south")])
    assert moved["updated"] == 1
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined"] * 3 + ["ParticipantProfileUpdated"]
    stored = await in_tenant(app.state.components.database).fetch(
        "SELECT external_id, campus, subject FROM participants ORDER BY external_id")
    assert [(r["external_id"], r["campus"], r["subject"]) for r in stored] == [
        ("s2", "south", None), ("s3", "north", None), ("s7", "south", None)]


async def test_a_coordinator_places_people_only_on_their_campuses_and_others_may_not_import(profile_service) -> None:
    _, client = profile_service
    north = as_("profile", "coordinator", campuses=("north",))
    outcome = await send(client, [row(2, "n1"), row(3, "s1", campus="south")], headers=north)
    assert [r["outcome"] for r in outcome["rows"]] == ["new", "rejected"]
    assert outcome["rows"][1]["reasons"] == ["campus 'south' is not one you coordinate"]
    student = await client.post("/programs/first-years/roster", json={"rows": [row(2, "x")]},
                                headers=as_("profile", "participant"))
    assert student.status_code == 403
    elsewhere = await client.post("/programs/first-years/roster", json={"rows": [row(2, "x")]},
                                  headers=as_("profile", "admin", institution="other-college"))
    assert elsewhere.status_code == 404


async def test_the_person_claims_the_profile_the_roster_made_and_one_who_joined_first_is_recognised(profile_service) -> None:
    app, client = profile_service
    joined_first = await client.post("/participants", json=profile(
        program_id="first-years", affiliation="student", email="early@uni.example.edu").model_dump(mode="json"),
        headers=as_("profile", "participant", subject="early-bird"))
    assert joined_first.status_code == 201
    early = row(2, "s-early")
    early["profile"]["email"] = "early@uni.example.edu"
    outcome = await send(client, [early, row(3, "s-late")])
    assert [r["outcome"] for r in outcome["rows"]] == ["updated", "new"]
    assert outcome["rows"][0]["participant_id"] == joined_first.json()["participant_id"]

    late = as_("profile", "participant", subject="late-comer", email="S-LATE@uni.example.edu")
    claimed = await client.post("/participants/claim", json={"program_id": "first-years"}, headers=late)
    assert claimed.status_code == 200 and claimed.json()["subject"] == "late-comer"
    assert (await client.post("/participants/claim", json={"program_id": "first-years"}, headers=late)).status_code == 200
    thief = as_("profile", "participant", subject="someone-else", email="s-late@uni.example.edu")
    assert (await client.post("/participants/claim", json={"program_id": "first-years"}, headers=thief)).status_code == 409
    unvouched = as_("profile", "participant", email="s-late@uni.example.edu", email_verified=False)
    assert (await client.post("/participants/claim", json={"program_id": "first-years"}, headers=unvouched)).status_code == 403
    mine = await client.get(f"/participants/{claimed.json()['participant_id']}", headers=late)
    assert mine.status_code == 200 and mine.json()["external_id"] == "s-late"
    assert (await outbox_types(app, PARTICIPANTS.name)).count("ParticipantProfileUpdated") == 1  # the claim, once


async def test_a_line_number_must_be_a_number_not_true(profile_service) -> None:
    _, client = profile_service
    response = await client.post("/programs/first-years/roster", json={"rows": [row(True, "t1")]}, headers=ADMIN)
    assert response.status_code == 422 and response.json()["errors"][0]["location"] == "body.rows.0.line"
    assert (await send(client, [row(2, "t1")]))["new"] == 1  # nothing was taken from the refused batch
