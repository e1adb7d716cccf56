"""GET /me/participations: a participant finds their own participations without knowing any id, and
the profiles rosters made for them that wait to be claimed; nobody else's, and nothing of another
institution."""

import uuid

import pytest

from tests.support.factories import profile
from tests.support.identity import as_, as_person
from tests.support.programs import create_program, roster_row

ELSEWHERE = "other-college"
PATH = "/me/participations"


@pytest.fixture
async def profile_service(profile_service):
    """conftest's, with this module's programs."""
    client = profile_service[1]
    for program_id, name in (("stem", "STEM peers"), ("writing", "Writing circle"), ("rostered", "Rostered")):
        await create_program(client, program_id, name=name)
    await create_program(client, "south-only", campuses=["south"])
    return profile_service


async def mine(client, headers: dict[str, str]) -> list[tuple[str, str]]:
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 200, response.text
    return [(found["program_id"], found["state"]) for found in response.json()["participations"]]


async def test_a_participant_finds_what_they_joined_left_and_what_a_roster_made_for_them(profile_service) -> None:
    _, client = profile_service
    account, email = str(uuid.uuid4()), "ada@uni.example.edu"
    me = as_person("profile", subject=account, email=email)
    assert (await client.get(PATH, headers=me)).json() == {"participations": [], "rosters_searched": True}
    stem = await client.post("/participants", json=profile(program_id="stem", email=email).model_dump(mode="json"), headers=me)
    writing = await client.post(
        "/participants", json=profile(program_id="writing", email=email).model_dump(mode="json"), headers=me
    )
    assert (
        await client.post(f"/participants/{writing.json()['participant_id']}/leave", json={"reason": "busy"}, headers=me)
    ).status_code == 200
    roster = [roster_row(2, "s-ada", email="ADA@uni.example.edu"), roster_row(3, "s-grace")]
    assert (await client.post("/programs/rostered/roster", json={"rows": roster})).json()["new"] == 2
    south = roster_row(2, "s-ada-south", email=email, campus="south")
    assert (await client.post("/programs/south-only/roster", json={"rows": [south]})).json()["new"] == 1

    answer = (await client.get(PATH, headers=me)).json()
    assert answer["rosters_searched"] is True
    found = {p["program_id"]: p for p in answer["participations"]}
    assert [(p["program_id"], p["state"]) for p in answer["participations"]] == [
        ("stem", "active"),
        ("writing", "left"),
        ("rostered", "waiting_for_you"),
    ]  # not south-only: not their campus
    assert found["stem"] == {
        "participant_id": stem.json()["participant_id"],
        "program_id": "stem",
        "program_name": "STEM peers",
        "program_status": "open",
        "state": "active",
        "roles": ["mentee"],
        "campus": "north",
        "joined_at": found["stem"]["joined_at"],
        "left_at": None,
        "mentoring": None,
    }
    assert found["writing"]["left_at"] is not None and found["rostered"]["program_name"] == "Rostered"

    claimed = await client.post("/participants/claim", json={"program_id": "rostered"}, headers=me)
    assert claimed.json()["participant_id"] == found["rostered"]["participant_id"]
    assert await mine(client, me) == [("stem", "active"), ("writing", "left"), ("rostered", "active")]
    assert (await client.post("/programs/stem/close", json={})).status_code == 200
    closed = (await client.get(PATH, headers=me)).json()["participations"][0]
    assert (closed["program_id"], closed["program_status"], closed["state"]) == ("stem", "closed", "active")


async def test_nobody_else_sees_them_and_a_token_without_a_vouched_address_finds_no_roster_profile(profile_service) -> None:
    _, client = profile_service
    account, email = str(uuid.uuid4()), "ben@uni.example.edu"
    me = as_person("profile", subject=account, email=email)
    body = profile(program_id="stem", email=email).model_dump(mode="json")
    assert (await client.post("/participants", json=body, headers=me)).status_code == 201
    assert (await client.post("/programs/rostered/roster", json={"rows": [roster_row(2, "s-ben", email=email)]})).json()[
        "new"
    ] == 1
    assert await mine(client, me) == [("stem", "active"), ("rostered", "waiting_for_you")]

    unverified = as_("profile", "participant", subject=account, campuses=("north",), email=email, email_verified=False)
    silent = await client.get(PATH, headers=unverified)
    assert silent.json()["rosters_searched"] is False
    assert [p["state"] for p in silent.json()["participations"]] == ["active"]  # theirs by account, no roster's
    assert await mine(client, as_person("profile", email="other@uni.example.edu")) == []  # same campus, someone else
    assert (
        await mine(
            client, as_("profile", "participant", subject=account, institution=ELSEWHERE, campuses=("north",), email=email)
        )
        == []
    )  # the same account id elsewhere
    for staff in (
        as_("profile", "admin"),
        as_("profile", "coordinator", campuses=("north",)),
        as_("profile", "admin", institution=ELSEWHERE),
    ):
        refused = await client.get(PATH, headers=staff)
        assert refused.status_code == 403 and "only a participant may list" in refused.json()["detail"]
    service = await client.get(PATH, headers=as_("profile", "service", institution=None, campuses=(), azp="mesh-matching"))
    assert service.status_code == 403
    assert (await client.get(PATH, headers={"Authorization": ""})).status_code == 401


async def test_an_erased_participation_is_bound_to_nobody_and_no_longer_listed(profile_service) -> None:
    _, client = profile_service
    account, email = str(uuid.uuid4()), "cy@uni.example.edu"
    me = as_person("profile", subject=account, email=email)
    joined = await client.post("/participants", json=profile(program_id="stem", email=email).model_dump(mode="json"), headers=me)
    assert await mine(client, me) == [("stem", "active")]
    assert (await client.delete(f"/participants/{joined.json()['participant_id']}", headers=me)).status_code == 202
    assert await mine(client, me) == []
