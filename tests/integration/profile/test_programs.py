"""Programs over HTTP on a real database: staff manage them, their rules and places decide who joins."""

import asyncio
import uuid

from mentoring_contracts.topics import PARTICIPANTS, PROGRAMS
from tests.support.factories import profile
from tests.support.identity import as_, as_person
from tests.support.programs import create_program, program_body
from tests.support.services import outbox_types

PROBLEM = "urn:mentoringmesh:problem:"


def coordinator(*campuses: str) -> dict[str, str]:
    return as_("profile", "coordinator", campuses=campuses)


async def test_staff_create_change_and_close_a_program_and_each_change_is_an_event(profile_service) -> None:
    app, client = profile_service
    body = program_body(
        "stem-peers",
        terms=[{"term_id": "2026-autumn", "name": "Autumn 2026", "starts_on": "2026-09-14", "ends_on": "2026-12-18"}],
        topics=["Calculus II"],
        session_minutes=45,
        matchmaking="coordinator_rounds",
    )
    assert (await client.post("/programs", json=body, headers=as_person("profile"))).status_code == 403
    half = await client.post("/programs", json=body, headers=coordinator("north"))
    assert half.status_code == 403 and "every campus" in half.json()["detail"]
    created = await client.post("/programs", json=body, headers=coordinator("north", "south"))
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1 and created.json()["session_minutes"] == 45
    assert created.json()["coordinators"] and created.json()["status"] == "open"

    seen = await client.get("/programs", headers=as_person("profile", campuses=("south",)))
    assert [p["program_id"] for p in seen.json()] == ["stem-peers"] and seen.json()[0]["coordinators"] is None
    assert (await client.get("/programs?campus=east", headers=as_("profile", "admin"))).json() == []
    assert (
        await client.get("/programs/stem-peers", headers=as_("profile", "admin", institution="other-college"))
    ).status_code == 404

    changed = await client.put(
        "/programs/stem-peers",
        json={k: v for k, v in body.items() if k != "program_id"} | {"name": "STEM peers, autumn"},
        headers=as_("profile", "admin"),
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    closed = await client.post("/programs/stem-peers/close", json={"reason": "end of term"}, headers=as_("profile", "admin"))
    assert closed.json()["status"] == "closed" and closed.json()["closed_reason"] == "end of term"
    again = await client.post("/programs/stem-peers/close", json={"reason": "twice"}, headers=as_("profile", "admin"))
    assert again.status_code == 200 and again.json()["closed_reason"] == "end of term"
    assert await outbox_types(app, PROGRAMS.name) == ["ProgramCreated", "ProgramUpdated", "ProgramClosed"]

    refused = await client.put(
        "/programs/stem-peers", json={k: v for k, v in body.items() if k != "program_id"}, headers=as_("profile", "admin")
    )
    assert refused.status_code == 409 and refused.json()["type"] == PROBLEM + "program-closed"
    late = profile(program_id="stem-peers").model_dump(mode="json")
    join = await client.post("/participants", json=late, headers=as_person("profile", email=late["email"]))
    assert join.status_code == 409 and join.json()["type"] == PROBLEM + "program-closed"
    assert join.headers["content-type"] == "application/problem+json"
    assert await outbox_types(app, PARTICIPANTS.name) == []
    audit = await client.get("/audit", headers=as_("profile", "admin"))
    assert {"program.create", "program.update", "program.close"} <= {entry["action"] for entry in audit.json()}


async def test_a_program_written_wrong_is_refused_with_the_field_and_why(profile_service) -> None:
    _, client = profile_service
    unknown_field = await client.post(
        "/programs", json=program_body("typo") | {"campusses": ["north"]}, headers=as_("profile", "admin")
    )
    assert unknown_field.status_code == 422 and "campusses" in unknown_field.text
    bad_rule = await client.post(
        "/programs",
        json=program_body(
            "bad-rule", eligibility=[{"rule_id": "r", "attribute": "custom.course", "operator": "equals", "value": "x"}]
        ),
        headers=as_("profile", "admin"),
    )
    assert bad_rule.status_code == 422 and "custom_attributes does not define" in bad_rule.text


async def test_input_found_by_fuzzing_is_refused_as_a_problem_not_a_server_error(profile_service) -> None:
    """Each of these was a 500 or quietly accepted under `make fuzz`."""
    app, client = profile_service
    admin = as_("profile", "admin")
    nul = await client.post("/programs", json=program_body("nul-name") | {"name": "Peer\u0000Mentoring"}, headers=admin)
    assert nul.status_code == 422 and nul.headers["content-type"] == "application/problem+json"
    assert nul.json()["type"] == f"{PROBLEM}invalid-request" and "NUL character" in nul.json()["detail"]
    assert (await client.get("/programs/nul-name", headers=admin)).status_code == 404  # nothing half-stored
    assert await outbox_types(app) == []
    too_far = await client.get("/audit", params={"before": 2**63}, headers=admin)
    assert too_far.status_code == 422 and too_far.json()["errors"][0]["location"] == "query.before"
    created = await client.post("/programs", json=program_body("padded"), headers=admin)
    assert created.status_code == 201, created.text
    padded = await client.post("/programs/padded/close", json={"reason": " " * 1000 + "moved"}, headers=admin)
    assert padded.status_code == 422 and "at most 1000 characters" in padded.text  # as documented, before trimming
    closed = await client.post("/programs/padded/close", json={"reason": "  moved  "}, headers=admin)
    assert closed.status_code == 200 and closed.json()["closed_reason"] == "moved"


async def test_a_refused_join_names_every_rule_it_failed_and_a_profile_change_is_held_to_them(profile_service) -> None:
    app, client = profile_service
    await create_program(
        client,
        "first-years",
        eligibility=[
            {"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student"},
            {"rule_id": "first-year", "attribute": "year_of_study", "operator": "range", "minimum": 1, "maximum": 1},
        ],
        topics=["Calculus II"],
    )
    wrong = profile(program_id="first-years", affiliation="staff", topics=[{"topic": "Art", "role": "mentee"}])
    staff = as_person("profile", email=str(wrong.email), affiliation="staff")  # as their institution says
    refused = await client.post("/participants", json=wrong.model_dump(mode="json"), headers=staff)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == PROBLEM + "not-eligible" and problem["program_id"] == "first-years"
    reasons = {violation["rule_id"]: violation for violation in problem["violations"]}
    assert set(reasons) == {"students", "first-year", "topics-offered"}
    assert reasons["students"]["actual"] == "staff" and reasons["students"]["expected"] == "student"
    assert reasons["first-year"]["message"] == "no year_of_study given; the program asks for 1 to 1"

    fits = profile(program_id="first-years", affiliation="student", year_of_study=1)
    subject = str(uuid.uuid4())
    person = as_person("profile", subject=subject, email=str(fits.email), affiliation="student", year_of_study=1)
    joined = await client.post("/participants", json=fits.model_dump(mode="json"), headers=person)
    assert joined.status_code == 201, joined.text
    participant_id = joined.json()["participant_id"]
    a_year_on = as_person("profile", subject=subject, email=str(fits.email), affiliation="student", year_of_study=2)
    moved_on = await client.put(
        f"/participants/{participant_id}/profile",
        json=fits.model_copy(update={"year_of_study": 2}).model_dump(mode="json"),
        headers=a_year_on,
    )
    assert moved_on.status_code == 422 and [v["rule_id"] for v in moved_on.json()["violations"]] == ["first-year"]
    assert (await client.get(f"/participants/{participant_id}", headers=person)).json()["profile"]["year_of_study"] == 1
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined"]


async def test_places_per_role_are_never_overfilled_even_by_concurrent_joins_and_free_again_on_leaving(profile_service) -> None:
    app, client = profile_service
    await create_program(client, "small", capacity=[{"role": "mentee", "most": 2}])

    async def join() -> tuple[int, dict, dict]:
        body = profile(program_id="small").model_dump(mode="json")
        person = as_person("profile", subject=str(uuid.uuid4()), email=body["email"])
        response = await client.post("/participants", json=body, headers=person)
        return response.status_code, response.json(), person

    answers = await asyncio.gather(*(join() for _ in range(6)))
    assert sorted(status for status, _, _ in answers) == [201, 201, 409, 409, 409, 409]
    full = next(body for status, body, _ in answers if status == 409)
    assert full["type"] == PROBLEM + "not-eligible" and [v["rule_id"] for v in full["violations"]] == ["capacity-mentee"]
    mentoring = profile(program_id="small", topics=[{"topic": "Calculus II", "role": "mentor"}], mentor_capacity=1)
    mentor = await client.post(
        "/participants", json=mentoring.model_dump(mode="json"), headers=as_person("profile", email=str(mentoring.email))
    )
    assert mentor.status_code == 201  # mentors are not limited

    leaver_body, leaver = next((body, person) for status, body, person in answers if status == 201)
    assert (await client.post(f"/participants/{leaver_body['participant_id']}/leave", json={}, headers=leaver)).status_code == 200
    assert (await join())[0] == 201
    assert (await join())[0] == 409
    assert (await outbox_types(app, PARTICIPANTS.name)).count("ParticipantJoined") == 4
