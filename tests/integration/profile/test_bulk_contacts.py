"""``POST /participants/contacts``: the contact details of a batch of participants in one call, for
every platform service (scheduling and notify read a batch's contacts there before its transaction).
What ``GET /participants/{id}/contact`` shows, never a person's words; across institutions, as a
service reads; refused to people; audited in each institution read, naming whom."""

import uuid

import pytest

from tests.support.factories import profile
from tests.support.identity import INSTITUTION, as_, as_person
from tests.support.programs import create_programs

ELSEWHERE = "other-college"
SERVICES = {
    name: as_("profile", "service", institution=None, campuses=(), azp=f"mesh-{name}") for name in ("scheduling", "notify")
}


@pytest.fixture
def programs() -> tuple[str, ...]:
    return ("first-year-stem",)


async def join(client, given, institution: str = INSTITUTION) -> str:
    headers = as_(
        "profile", "participant", subject=str(uuid.uuid4()), institution=institution, campuses=("north",), email=str(given.email)
    )
    response = await client.post("/participants", json=given.model_dump(mode="json"), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["participant_id"]


async def test_every_service_reads_a_batchs_contacts_in_one_call_as_one_by_one_and_it_is_audited(profile_service) -> None:
    _, client = profile_service
    await create_programs(client, "arts-peers", institution=ELSEWHERE)
    ours = [await join(client, profile(display_name=f"Ada {i}", goals=["a thesis"], challenges=["grief"])) for i in range(3)]
    theirs = await join(client, profile(display_name="Tom T.", program_id="arts-peers"), institution=ELSEWHERE)
    stranger = str(uuid.uuid4())
    wanted = [*ours, theirs, stranger, ours[0]]  # an id asked twice is answered once
    answers = {
        name: await client.post("/participants/contacts", json={"participant_ids": wanted}, headers=service)
        for name, service in SERVICES.items()
    }
    for institution, whom in ((INSTITUTION, sorted(ours)), (ELSEWHERE, [theirs])):  # in the trail of each institution read
        trail = (await client.get("/audit", headers=as_("profile", "admin", institution=institution))).json()
        reads = [(e["client_id"], e["details"]["ids"]) for e in trail if e["action"] == "personal_data.read"]
        assert sorted(reads) == [("mesh-notify", whom), ("mesh-scheduling", whom)]  # one entry a call, naming whom
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
        found = {view["participant_id"]: view for view in answer.json()["contacts"]}
        assert sorted(found) == sorted([*ours, theirs]) and answer.json()["unknown"] == [
            stranger
        ]  # services serve every institution
        assert "grief" not in answer.text and "a thesis" not in answer.text
        for participant_id, view in found.items():
            assert view == (await client.get(f"/participants/{participant_id}/contact", headers=SERVICES[name])).json()
    # As matching's profile lookup answers: the other institution's participant found, the stranger unknown.
    lookup = (await client.post("/participants/lookup", json={"participant_ids": wanted}, headers=as_matching())).json()
    assert sorted(p["participant_id"] for p in lookup["participants"]) == sorted([*ours, theirs])
    assert lookup["unknown"] == [stranger]


def as_matching() -> dict[str, str]:
    return as_("profile", "service", institution=None, campuses=(), azp="mesh-matching")


async def test_only_a_service_reads_contacts_in_bulk_and_at_most_a_thousand_at_a_time(profile_service) -> None:
    _, client = profile_service
    ours = await join(client, profile())
    for person in (
        as_("profile", "admin"),
        as_("profile", "coordinator", campuses=("north",)),
        as_person("profile"),
        as_("profile", "admin", institution=ELSEWHERE),
    ):
        for path in ("/participants/contacts", "/participants/lookup"):  # refused alike, by role
            refused = await client.post(path, json={"participant_ids": [ours]}, headers=person)
            assert refused.status_code == 403 and "only a service may" in refused.json()["detail"], (path, refused.text)
    service = SERVICES["notify"]
    for wrong in ([], [str(uuid.uuid4())] * 1001):
        assert (await client.post("/participants/contacts", json={"participant_ids": wrong}, headers=service)).status_code == 422
    matching = await client.post("/participants/contacts", json={"participant_ids": [ours]}, headers=as_matching())
    assert matching.status_code == 200 and matching.json()["contacts"][0]["participant_id"] == ours  # every service client
