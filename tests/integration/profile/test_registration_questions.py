"""Joining through a program's registration questions: the custom attributes it marks ``asked`` are the
participant's to answer, on joining and later; its rules read them, and a refusal names the rule and
the field. Every attribute not asked stays the roster's (M8)."""

import uuid

import pytest

from mentoring_contracts.topics import PARTICIPANTS
from tests.support.factories import profile
from tests.support.identity import as_, as_person
from tests.support.programs import create_program, program_body
from tests.support.services import outbox_data, outbox_types

PROBLEM = "urn:mentoringmesh:problem:"
QUESTIONS = [
    {
        "name": "course",
        "label": "Course",
        "kind": "choice",
        "choices": ["MATH101", "PHYS101", "CHEM101"],
        "asked": True,
        "help": "The course you take this term",
    },
    {"name": "hours", "label": "Hours a week", "kind": "number", "asked": True},
    {"name": "grade", "label": "Staff grade"},  # the roster's
]
RULES = [
    {
        "rule_id": "first-courses",
        "attribute": "custom.course",
        "operator": "one_of",
        "values": ["MATH101", "PHYS101"],
        "summary": "a first-year mathematics or physics course",
    },
    {"rule_id": "some-time", "attribute": "custom.hours", "operator": "range", "minimum": 2},
]


@pytest.fixture
async def profile_service(profile_service):
    """conftest's, with this module's programs."""
    await create_program(
        profile_service[1],
        "first-years",
        custom_attributes=QUESTIONS,
        eligibility=RULES,
        campuses=["north"],
        roles_offered=[],
        topics=["Calculus II"],
    )
    return profile_service


def student(**answers) -> tuple[dict, dict[str, str]]:
    body = profile(program_id="first-years", custom_attributes=answers).model_dump(mode="json")
    return body, as_person("profile", subject=str(uuid.uuid4()), email=body["email"], affiliation="student")


async def test_a_participant_sees_the_questions_the_rules_and_the_roles_a_join_form_needs(profile_service) -> None:
    _, client = profile_service
    [seen] = (await client.get("/programs?status=open", headers=as_person("profile"))).json()
    assert seen["program_id"] == "first-years" and seen["coordinators"] is None
    assert [(a["name"], a["asked"], a["kind"]) for a in seen["custom_attributes"]] == [
        ("course", True, "choice"),
        ("hours", True, "number"),
        ("grade", False, "text"),
    ]
    assert seen["custom_attributes"][0]["choices"] == ["MATH101", "PHYS101", "CHEM101"]
    assert seen["custom_attributes"][0]["help"] == "The course you take this term"
    assert [rule["attribute"] for rule in seen["eligibility"]] == ["custom.course", "custom.hours"]
    assert (seen["joinable_roles"], seen["topics"], seen["matching_mode"]) == (
        ["mentor", "mentee"],
        ["Calculus II"],
        "mentor_mentee",
    )
    assert (await client.get("/programs", headers=as_person("profile", campuses=("south",)))).json() == []


async def test_a_participant_joins_with_their_answers_and_a_refusal_names_the_rule_and_the_field(profile_service) -> None:
    app, client = profile_service
    body, me = student(course="CHEM101", hours=1)
    refused = await client.post("/participants", json=body, headers=me)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == PROBLEM + "not-eligible"
    failed = {v["rule_id"]: v for v in refused.json()["violations"]}
    assert set(failed) == {"first-courses", "some-time"}
    assert failed["first-courses"]["field"] == "custom_attributes.course" and failed["first-courses"]["actual"] == "CHEM101"
    assert failed["first-courses"]["message"] == (
        "custom.course is 'CHEM101'; the program asks for a first-year mathematics or physics course"
    )
    assert failed["some-time"]["field"] == "custom_attributes.hours"
    unanswered = await client.post("/participants", json=body | {"custom_attributes": {}}, headers=me)
    assert {(v["rule_id"], v["field"]) for v in unanswered.json()["violations"]} == {
        ("first-courses", "custom_attributes.course"),
        ("some-time", "custom_attributes.hours"),
    }
    not_a_choice = await client.post(
        "/participants", json=body | {"custom_attributes": {"course": "ART100", "hours": 3}}, headers=me
    )
    assert not_a_choice.status_code == 422
    assert ("custom-attributes", "custom_attributes.course") in {
        (v["rule_id"], v["field"]) for v in not_a_choice.json()["violations"]
    }
    assert await outbox_types(app, PARTICIPANTS.name) == []

    joined = await client.post("/participants", json=body | {"custom_attributes": {"course": "math101", "hours": 4}}, headers=me)
    assert joined.status_code == 201, joined.text
    assert joined.json()["profile"]["custom_attributes"] == {"course": "MATH101", "hours": 4}  # the program's spelling
    [event] = await outbox_data(app, "ParticipantJoined")
    assert "custom_attributes" not in event["attributes"]  # personal: never on an event


async def test_an_attribute_the_program_does_not_ask_is_still_the_rosters_alone(profile_service) -> None:
    _, client = profile_service
    body, me = student(course="MATH101", hours=3, grade="G7")
    refused = await client.post("/participants", json=body, headers=me)
    assert refused.status_code == 422, refused.text
    [violation] = refused.json()["violations"]
    assert (violation["rule_id"], violation["field"]) == ("institution-facts", "custom_attributes.grade")
    assert "the program does not ask it" in violation["message"]


async def test_a_participant_changes_their_answers_later_within_the_rules(profile_service) -> None:
    app, client = profile_service
    body, me = student(course="MATH101", hours=3)
    participant_id = (await client.post("/participants", json=body, headers=me)).json()["participant_id"]
    path = f"/participants/{participant_id}/profile"
    changed = await client.put(path, json=body | {"custom_attributes": {"course": "PHYS101"}}, headers=me)
    assert changed.status_code == 200, changed.text
    assert changed.json()["profile"]["custom_attributes"] == {"course": "PHYS101", "hours": 3}  # hours left out: kept
    too_little = await client.put(path, json=body | {"custom_attributes": {"hours": 1}}, headers=me)
    assert too_little.status_code == 422
    assert [(v["rule_id"], v["field"]) for v in too_little.json()["violations"]] == [("some-time", "custom_attributes.hours")]
    rostered_only = await client.put(path, json=body | {"custom_attributes": {"grade": "G9"}}, headers=me)
    assert rostered_only.status_code == 403 and rostered_only.json()["detail"].startswith("custom_attributes.grade")
    stored = (await client.get(f"/participants/{participant_id}", headers=me)).json()["profile"]["custom_attributes"]
    assert stored == {"course": "PHYS101", "hours": 3}
    assert await outbox_types(app, PARTICIPANTS.name) == ["ParticipantJoined", "ParticipantProfileUpdated"]


async def test_after_a_roster_the_participant_answers_the_questions_but_keeps_what_the_roster_gave(profile_service) -> None:
    _, client = profile_service
    given = profile(
        program_id="first-years",
        email="s1@uni.example.edu",
        affiliation="student",
        custom_attributes={"course": "MATH101", "hours": 2, "grade": "G7"},
    ).model_dump(mode="json")
    rows = {"rows": [{"line": 2, "external_id": "s1", "profile": given}]}
    assert (await client.post("/programs/first-years/roster", json=rows)).json()["new"] == 1
    me = as_person("profile", subject="s1-account", email="s1@uni.example.edu")
    participant_id = (await client.post("/participants/claim", json={"program_id": "first-years"}, headers=me)).json()[
        "participant_id"
    ]
    path = f"/participants/{participant_id}/profile"
    answered = await client.put(path, json=given | {"custom_attributes": {"hours": 6}}, headers=me)
    assert answered.status_code == 200, answered.text
    assert answered.json()["profile"]["custom_attributes"] == {"course": "MATH101", "hours": 6, "grade": "G7"}
    regraded = await client.put(path, json=given | {"custom_attributes": {"hours": 6, "grade": "G9"}}, headers=me)
    assert regraded.status_code == 403 and "roster" in regraded.json()["detail"]


async def test_a_question_is_written_strictly_and_travels_on_the_programs_events(profile_service) -> None:
    app, client = profile_service
    admin = as_("profile", "admin")
    typo = await client.post(
        "/programs",
        json=program_body("typo", custom_attributes=[{"name": "course", "label": "Course", "askd": True}]),
        headers=admin,
    )
    assert typo.status_code == 422 and "askd" in typo.text
    lax = await client.post(
        "/programs",
        json=program_body("lax", custom_attributes=[{"name": "course", "label": "Course", "asked": "yes"}]),
        headers=admin,
    )
    assert lax.status_code == 422 and lax.json()["errors"][0]["location"] == "body.custom_attributes.0.asked"
    no_choices = await client.post(
        "/programs",
        json=program_body(
            "no-choices", custom_attributes=[{"name": "course", "label": "Course", "kind": "choice", "asked": True}]
        ),
        headers=admin,
    )
    assert no_choices.status_code == 422 and "a choice needs its choices" in no_choices.text
    off_choice = await client.post(
        "/programs",
        json=program_body(
            "off-choice",
            custom_attributes=QUESTIONS,
            eligibility=[{"rule_id": "r", "attribute": "custom.course", "operator": "equals", "value": "LAW100"}],
        ),
        headers=admin,
    )
    assert off_choice.status_code == 422 and "'LAW100' is not one of the choices of custom.course" in off_choice.text
    [created] = await outbox_data(app, "ProgramCreated")  # the fixture's; none of the refused
    assert created["definition"]["custom_attributes"][0] == QUESTIONS[0]
    assert created["definition"]["custom_attributes"][2] == QUESTIONS[2] | {
        "kind": "text",
        "asked": False,
        "help": None,
        "choices": [],
    }
