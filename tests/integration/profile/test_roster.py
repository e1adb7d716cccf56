"""Roster import on a real database: upserted by external id, every row's outcome, and idempotent."""

import pytest

from mentoring_contracts.topics import PARTICIPANTS
from tests.support.factories import profile
from tests.support.identity import as_
from tests.support.programs import create_program, roster_row
from tests.support.services import in_tenant, outbox_types

ADMIN = as_("profile", "admin")


@pytest.fixture
async def profile_service(profile_service):
    """conftest's, with this module's programs."""
    await create_program(
        profile_service[1],
        "first-years",
        eligibility=[{"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student"}],
    )
    return profile_service


row = roster_row


async def send(client, rows, headers=ADMIN):
    response = await client.post("/programs/first-years/roster", json={"rows": rows}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_rows_are_upserted_by_external_id_each_with_its_outcome_and_a_batch_sent_again_changes_nothing(
    profile_service,
) -> None:
    app, client = profile_service
    bad_zone = row(4, "s4")
    bad_zone["profile"]["time_zone"] = "Mars/Olympus"
    rows = [row(2, "s2"), row(3, "s3"), bad_zone, row(5, "s2"), row(6, "s6", affiliation="staff"), row(7, "s7", campus="south")]
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
        r["participant_id"] for r in first["rows"] if r["outcome"] == "new"
    }
    moved = await send(client, [row(2, "s2", campus="south")])
    assert moved["updated"] == 1
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined"] * 3 + ["ParticipantProfileUpdated"]
    stored = await in_tenant(app.state.components.database).fetch(
        "SELECT external_id, campus, subject FROM participants ORDER BY external_id"
    )
    assert [(r["external_id"], r["campus"], r["subject"]) for r in stored] == [
        ("s2", "south", None),
        ("s3", "north", None),
        ("s7", "south", None),
    ]


async def test_a_coordinator_places_people_only_on_their_campuses_and_others_may_not_import(profile_service) -> None:
    _, client = profile_service
    north = as_("profile", "coordinator", campuses=("north",))
    outcome = await send(client, [row(2, "n1"), row(3, "s1", campus="south")], headers=north)
    assert [r["outcome"] for r in outcome["rows"]] == ["new", "rejected"]
    assert outcome["rows"][1]["reasons"] == ["campus 'south' is not one you coordinate"]
    student = await client.post(
        "/programs/first-years/roster", json={"rows": [row(2, "x")]}, headers=as_("profile", "participant")
    )
    assert student.status_code == 403
    elsewhere = await client.post(
        "/programs/first-years/roster", json={"rows": [row(2, "x")]}, headers=as_("profile", "admin", institution="other-college")
    )
    assert elsewhere.status_code == 404


async def test_the_person_claims_the_profile_the_roster_made_and_one_who_joined_first_is_recognised(profile_service) -> None:
    app, client = profile_service
    joined_first = await client.post(
        "/participants",
        json=profile(program_id="first-years", affiliation="student", email="early@uni.example.edu").model_dump(mode="json"),
        headers=as_("profile", "participant", subject="early-bird", email="early@uni.example.edu", affiliation="student"),
    )
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


async def test_h1_a_coordinator_of_one_campus_can_neither_rewrite_nor_adopt_nor_discover_another_campuss_people(
    profile_service,
) -> None:
    app, client = profile_service
    await send(client, [row(2, "s9", campus="south")])
    south_person = await client.post(
        "/participants",
        json=profile(program_id="first-years", affiliation="student", campus="south", email="own@uni.example.edu").model_dump(
            mode="json"
        ),
        headers=as_("profile", "participant", campuses=("south",), email="own@uni.example.edu", affiliation="student"),
    )
    assert south_person.status_code == 201
    north = as_("profile", "coordinator", campuses=("north",))
    by_external_id = row(2, "s9", campus="north", email="x@evil.example")
    by_email = row(3, "n-new", campus="north", email="s9@uni.example.edu")  # the south person's address
    adopting = row(4, "n-adopt", campus="north", email="own@uni.example.edu")  # a self-joined south participant
    outcome = await send(client, [by_external_id, by_email, adopting], headers=north)
    assert [r["outcome"] for r in outcome["rows"]] == ["rejected"] * 3
    assert all(r["participant_id"] is None for r in outcome["rows"])
    assert "on a campus you do not coordinate" in outcome["rows"][0]["reasons"][0]
    told = " ".join(reason for r in outcome["rows"][1:] for reason in r["reasons"])
    assert "s9" not in told.replace("s9@uni", "") and "(external id" not in told  # no other campus's external id
    assert south_person.json()["participant_id"] not in told
    stored = await in_tenant(app.state.components.database).fetch(
        "SELECT external_id, campus, email_key FROM participants ORDER BY joined_at"
    )
    assert [tuple(r) for r in stored] == [("s9", "south", "s9@uni.example.edu"), (None, "south", "own@uni.example.edu")]


async def test_h1_the_audit_trail_names_each_participant_a_roster_changed_and_which_fields(profile_service) -> None:
    _, client = profile_service
    first = await send(client, [row(2, "a1"), row(3, "a2")])
    await send(client, [row(2, "a1", display_name="Renamed Person"), row(3, "a2")])
    trail = (await client.get("/audit", headers=ADMIN)).json()
    imports = [entry for entry in trail if entry["action"] == "roster.import"]
    latest, earliest = imports[0]["details"]["participants"], imports[-1]["details"]["participants"]
    ids = {r["external_id"]: r["participant_id"] for r in first["rows"]}
    assert earliest == [
        {"participant_id": ids["a1"], "outcome": "new", "fields": []},
        {"participant_id": ids["a2"], "outcome": "new", "fields": []},
    ]
    assert latest == [{"participant_id": ids["a1"], "outcome": "updated", "fields": ["display_name"]}]


async def test_h1_an_admins_change_to_a_profile_is_audited_with_the_fields_it_changed(profile_service) -> None:
    _, client = profile_service
    participant_id = (await send(client, [row(2, "e1")]))["rows"][0]["participant_id"]
    given = (await client.get(f"/participants/{participant_id}", headers=ADMIN)).json()["profile"]
    changed = await client.put(
        f"/participants/{participant_id}/profile",
        headers=ADMIN,
        json=given | {"display_name": "New Name", "goals": ["Finish the thesis"]},
    )
    assert changed.status_code == 200, changed.text
    entry = next(e for e in (await client.get("/audit", headers=ADMIN)).json() if e["action"] == "participant.update")
    assert (entry["resource"], entry["details"]) == (f"participant/{participant_id}", {"fields": ["display_name", "goals"]})
