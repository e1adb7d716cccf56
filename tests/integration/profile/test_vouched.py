"""What a participant cannot say of themself (security review M7, M8): their address, the facts
programs' rules read, and whether they may mentor."""

import uuid

import pytest

from mentoring_contracts.topics import PARTICIPANTS
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_, as_person
from tests.support.programs import create_program
from tests.support.services import outbox_data, outbox_types

PROBLEM = "urn:mentoringmesh:problem:"
STAFF_ONLY = [{"rule_id": "staff-only", "attribute": "affiliation", "operator": "equals", "value": "staff"}]


@pytest.fixture
def programs() -> tuple[str, ...]:
    return ("first-year-stem",)


async def test_m7_a_token_without_a_vouched_email_cannot_join_with_anyones_address(profile_service) -> None:
    app, client = profile_service
    body = profile(email="victim@uni.example.edu").model_dump(mode="json")
    refused = await client.post("/participants", json=body, headers=as_("profile", "participant", email=None))
    assert refused.status_code == 403, refused.text
    assert "your institution vouches for no email address of yours" in refused.json()["detail"]
    unverified = as_("profile", "participant", email="victim@uni.example.edu", email_verified=False)
    assert (await client.post("/participants", json=body, headers=unverified)).status_code == 403
    another = as_person("profile", email="attacker@uni.example.edu")
    assert (await client.post("/participants", json=body, headers=another)).status_code == 403
    assert await outbox_types(app, PARTICIPANTS.name) == []
    victim = as_person("profile", email="Victim@Uni.Example.EDU")  # the institution's spelling is the one stored
    joined = await client.post("/participants", json=body, headers=victim)
    assert joined.status_code == 201 and joined.json()["profile"]["email"] == "Victim@Uni.Example.EDU"


async def test_m7_a_participant_keeps_their_address_without_a_vouched_email_but_changes_it_only_to_the_vouched_one(
    profile_service,
) -> None:
    _, client = profile_service
    body = profile(email="ada@uni.example.edu").model_dump(mode="json")
    account = str(uuid.uuid4())
    participant_id = (
        await client.post("/participants", json=body, headers=as_person("profile", subject=account, email="ada@uni.example.edu"))
    ).json()["participant_id"]
    path = f"/participants/{participant_id}/profile"
    silent = as_person("profile", subject=account)  # a token with no email, later
    assert (await client.put(path, json=body | {"goals": ["pass"]}, headers=silent)).status_code == 200
    assert (await client.put(path, json=body | {"email": "new@uni.example.edu"}, headers=silent)).status_code == 403
    renamed = as_person("profile", subject=account, email="new@uni.example.edu")
    assert (await client.put(path, json=body | {"email": "other@uni.example.edu"}, headers=renamed)).status_code == 403
    assert (await client.put(path, json=body | {"email": "new@uni.example.edu"}, headers=renamed)).status_code == 200
    by_admin = await client.put(path, json=body | {"email": "fixed@uni.example.edu"})  # the client's admin
    assert by_admin.status_code == 200 and by_admin.json()["profile"]["email"] == "fixed@uni.example.edu"


async def test_m8_a_student_cannot_declare_themself_staff_to_pass_a_staff_only_rule(profile_service) -> None:
    app, client = profile_service
    await create_program(client, "staff-circle", eligibility=STAFF_ONLY)
    body = profile(program_id="staff-circle", affiliation="staff").model_dump(mode="json")
    student = as_person("profile", email=body["email"])  # their token says nothing of staff
    refused = await client.post("/participants", json=body, headers=student)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["type"] == PROBLEM + "not-eligible" and "comes from your institution" in problem["detail"]
    assert [v["attribute"] for v in problem["violations"]] == ["affiliation"]
    claims_student = as_person("profile", email=body["email"], affiliation="student")
    assert (await client.post("/participants", json=body, headers=claims_student)).status_code == 422
    without = await client.post("/participants", json=body | {"affiliation": None}, headers=claims_student)
    assert without.status_code == 422 and without.json()["violations"][0]["rule_id"] == "staff-only"
    assert await outbox_types(app, PARTICIPANTS.name) == []
    staff = as_person("profile", email=body["email"], affiliation="STAFF", department="Registry", year_of_study="2")
    joined = await client.post("/participants", json=body | {"affiliation": None}, headers=staff)
    assert joined.status_code == 201, joined.text
    assert {k: joined.json()["profile"][k] for k in ("affiliation", "department", "year_of_study")} == {
        "affiliation": "staff",
        "department": "Registry",
        "year_of_study": 2,
    }  # the token's, not the body's
    course = profile(custom_attributes={"course": "MATH101"}).model_dump(mode="json")
    declared = await client.post("/participants", json=course, headers=as_person("profile", email=course["email"]))
    assert declared.status_code == 422 and declared.json()["violations"][0]["attribute"] == "custom_attributes.course"


async def test_m8_a_rostered_student_cannot_change_what_the_roster_gave(profile_service) -> None:
    _, client = profile_service
    await create_program(client, "first-years", custom_attributes=[{"name": "course", "label": "Course"}])
    given = profile(
        program_id="first-years",
        affiliation="student",
        year_of_study=1,
        department="Physics",
        email="s1@uni.example.edu",
        custom_attributes={"course": "PHYS101"},
    ).model_dump(mode="json")
    rows = {"rows": [{"line": 2, "external_id": "s1", "profile": given}]}
    assert (await client.post("/programs/first-years/roster", json=rows)).json()["new"] == 1
    student = as_person("profile", subject="s1-account", email="s1@uni.example.edu", affiliation="staff")
    participant_id = (await client.post("/participants/claim", json={"program_id": "first-years"}, headers=student)).json()[
        "participant_id"
    ]
    path = f"/participants/{participant_id}/profile"
    for field, value in (
        ("affiliation", "staff"),
        ("year_of_study", 3),
        ("department", "Law"),
        ("custom_attributes", {"course": "LAW100"}),
    ):
        changed = await client.put(path, json=given | {field: value}, headers=student)
        assert changed.status_code == 403, (field, changed.text)
        assert changed.json()["detail"].startswith(field) and "roster" in changed.json()["detail"]
    left_out = given | {"affiliation": None, "department": None, "custom_attributes": {}, "goals": ["pass"]}
    kept = await client.put(path, json=left_out, headers=student)
    assert kept.status_code == 200 and kept.json()["profile"] == given | {"goals": ["pass"]}
    by_admin = await client.put(path, json=given | {"department": "Mathematics"})
    assert by_admin.status_code == 200 and by_admin.json()["profile"]["department"] == "Mathematics"


async def test_m8_in_an_approval_program_a_mentor_is_published_as_one_only_once_a_coordinator_approves(profile_service) -> None:
    app, client = profile_service
    await create_program(client, "vetted", mentors_need_approval=True)
    both = mentor_profile(
        program_id="vetted",
        mentor_capacity=3,
        topics=[{"topic": "Calculus II", "role": "mentor"}, {"topic": "Physics", "role": "mentee"}],
    ).model_dump(mode="json")
    only = mentor_profile(program_id="vetted", topics=[{"topic": "Chemistry", "role": "mentor"}]).model_dump(mode="json")
    account = str(uuid.uuid4())
    me = as_person("profile", subject=account, email=both["email"])
    joined = await client.post("/participants", json=both, headers=me)
    assert joined.status_code == 201 and joined.json()["mentoring"] == "awaiting_approval"
    assert joined.json()["profile"]["topics"] == both["topics"]  # theirs, as asked
    mentor_id = joined.json()["participant_id"]
    solo = await client.post("/participants", json=only, headers=as_person("profile", email=only["email"]))
    solo_id = solo.json()["participant_id"]
    [published] = await outbox_data(app, "ParticipantJoined")  # the mentor-only one is not announced yet
    assert published["participant_id"] == mentor_id
    assert published["attributes"]["topics"] == [{"topic": "Physics", "role": "mentee"}]
    assert published["attributes"]["mentor_capacity"] == 0
    service = as_("profile", "service", institution=None, campuses=(), azp="mesh-matching")
    seen = (await client.get(f"/participants/{mentor_id}", headers=service)).json()["profile"]
    assert seen["topics"] == [{"topic": "Physics", "role": "mentee"}] and seen["mentor_capacity"] == 0

    approval = f"/participants/{mentor_id}/mentoring/approval"
    assert (await client.post(approval, headers=me)).status_code == 403  # nobody approves themself
    south = as_("profile", "coordinator", campuses=("south",))
    assert (await client.post(approval, headers=south)).status_code in (403, 404)  # not their campus
    north = as_("profile", "coordinator", campuses=("north",))
    approved = await client.post(approval, headers=north)
    assert approved.status_code == 200 and approved.json()["mentoring"] == "approved"
    [update] = await outbox_data(app, "ParticipantProfileUpdated")
    assert update["attributes"]["topics"] == both["topics"] and update["attributes"]["mentor_capacity"] == 3
    assert (await client.post(f"/participants/{solo_id}/mentoring/approval", headers=north)).status_code == 200
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined", "ParticipantProfileUpdated", "ParticipantJoined"]
    audit = (await client.get("/audit")).json()
    assert [e["action"] for e in audit].count("participant.approve_mentoring") == 2
    # Approval stands: a later change needs none.
    more = both | {"mentor_capacity": 2}
    assert (await client.put(f"/participants/{mentor_id}/profile", json=more, headers=me)).json()["mentoring"] == "approved"
