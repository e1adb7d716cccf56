"""The admins' list of erasures: newest first, a page at a time, by state; each as the participant's own
erasure view shows it; admins of the institution only."""

import uuid
from datetime import UTC, datetime

import pytest

from mentoring_contracts import ParticipantErasureConfirmed, service_source
from mesh_profile.application.erase_participant import SERVICES_HOLDING_PERSONAL_DATA
from tests.support.events import deliver
from tests.support.factories import profile
from tests.support.identity import as_, as_person, bearer, local_issuer

ELSEWHERE = "other-college"
ADMIN_ACCOUNT = str(uuid.uuid4())
ADMIN = as_("profile", "admin", subject=ADMIN_ACCOUNT)


@pytest.fixture
def programs() -> tuple[str, ...]:
    return ("first-year-stem", "grad-peers")


async def _erased(client, program_id: str, campus: str, *, by_admin: bool) -> dict:
    """A participant who joins and is erased, by themself or by the admin; their erasure as answered."""
    account = str(uuid.uuid4())
    body = profile(program_id=program_id, campus=campus).model_dump(mode="json")
    me = as_person("profile", subject=account, campuses=(campus,), email=body["email"])
    joined = await client.post("/participants", json=body, headers=me)
    assert joined.status_code == 201, joined.text
    erased = await client.delete(f"/participants/{joined.json()['participant_id']}", headers=ADMIN if by_admin else me)
    assert erased.status_code == 202, erased.text
    return erased.json() | {"program_id": program_id, "campus": campus}


async def _confirm(app, participant_id: str, *services: str) -> None:
    """Each service confirms its own erasure, as its ParticipantErasureConfirmed would."""
    for service in services:
        confirmed = ParticipantErasureConfirmed(
            participant_id=uuid.UUID(participant_id), service=service, erased=[f"{service} data"], confirmed_at=datetime.now(UTC)
        )
        await deliver(app, confirmed, source=service_source(service))


def _newest_first(erasures: list[dict]) -> list[str]:
    return [
        e["participant_id"]
        for e in sorted(erasures, key=lambda e: (datetime.fromisoformat(e["requested_at"]), e["participant_id"]), reverse=True)
    ]


async def _all_pages(client, **params) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        answer = await client.get("/erasures", params=params | ({"before": cursor} if cursor else {}), headers=ADMIN)
        assert answer.status_code == 200, answer.text
        pages.append([e["participant_id"] for e in answer.json()["erasures"]])
        if (cursor := answer.json()["next"]) is None:
            return pages


async def test_admins_list_erasures_newest_first_by_state_a_page_at_a_time(profile_service) -> None:
    app, client = profile_service
    made = [
        await _erased(client, "first-year-stem", "north", by_admin=False),
        await _erased(client, "grad-peers", "south", by_admin=True),
        await _erased(client, "first-year-stem", "south", by_admin=False),
        await _erased(client, "grad-peers", "north", by_admin=True),
        await _erased(client, "first-year-stem", "north", by_admin=False),
    ]
    others = [service for service in SERVICES_HOLDING_PERSONAL_DATA if service != "profile"]
    complete = [made[0]["participant_id"], made[3]["participant_id"]]
    for participant_id in complete:
        await _confirm(app, participant_id, *others)
    await _confirm(app, made[2]["participant_id"], others[0])  # one confirmed: still pending
    await _confirm(app, made[0]["participant_id"], others[0])  # again: changes nothing

    listed = await client.get("/erasures", headers=ADMIN)
    assert listed.status_code == 200, listed.text
    assert listed.json()["next"] is None
    erasures = listed.json()["erasures"]
    assert [e["participant_id"] for e in erasures] == _newest_first(made)
    for entry in erasures:  # one shape: the participant's own view, with where they were
        own = (await client.get(f"/participants/{entry['participant_id']}/erasure", headers=ADMIN)).json()
        given = next(m for m in made if m["participant_id"] == entry["participant_id"])
        assert entry == own | {"program_id": given["program_id"], "campus": given["campus"]}
    requested_by = {e["participant_id"]: e["requested_by"] for e in erasures}
    assert [requested_by[m["participant_id"]] for m in made] == [
        "participant",
        ADMIN_ACCOUNT,
        "participant",
        ADMIN_ACCOUNT,
        "participant",
    ]  # as the per-participant view
    done = next(e for e in erasures if e["participant_id"] == made[0]["participant_id"])
    assert done["complete"] is True and all(c["confirmed_at"] for c in done["confirmations"])
    assert [c["service"] for c in done["confirmations"]] == list(SERVICES_HOLDING_PERSONAL_DATA)
    partly = next(e for e in erasures if e["participant_id"] == made[2]["participant_id"])
    assert partly["complete"] is False and [c["service"] for c in partly["confirmations"] if c["confirmed_at"]] == [
        "profile",
        others[0],
    ]

    assert await _all_pages(client, state="complete") == [[p for p in _newest_first(made) if p in complete]]
    pending = [p for p in _newest_first(made) if p not in complete]
    assert await _all_pages(client, state="pending") == [pending]
    assert await _all_pages(client, limit=2) == [_newest_first(made)[:2], _newest_first(made)[2:4], _newest_first(made)[4:]]
    assert await _all_pages(client, state="pending", limit=2) == [pending[:2], pending[2:]]
    assert await _all_pages(client, limit=5) == [_newest_first(made)]  # a full last page says there is no next

    # A cursor is good only for the list it came from, whole.
    first = (await client.get("/erasures", params={"state": "pending", "limit": 1}, headers=ADMIN)).json()
    cursor = first["next"]
    for bad, params in (
        (cursor, {"state": "complete"}),
        (cursor, {}),
        (cursor[:-2], {"state": "pending"}),
        ("x" + cursor, {"state": "pending"}),
        ("not-a-cursor", {}),
        ("", {}),
    ):
        refused = await client.get("/erasures", params=params | {"before": bad}, headers=ADMIN)
        assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json", bad
        assert refused.json()["type"] == "urn:mentoringmesh:problem:invalid-cursor", refused.json()
    for params, location in (
        ({"state": "erased"}, "query.state"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
        ({"before": "x" * 513}, "query.before"),
    ):
        refused = await client.get("/erasures", params=params, headers=ADMIN)
        assert refused.status_code == 422 and refused.json()["errors"][0]["location"] == location, refused.text


async def test_only_admins_of_the_institution_see_its_erasures(profile_service) -> None:
    app, client = profile_service
    erased = await _erased(client, "first-year-stem", "north", by_admin=False)
    for refused in (
        as_("profile", "coordinator", campuses=("north",)),
        as_person("profile"),
        bearer(local_issuer().client_credentials("mesh-matching", "matching-test-secret")),
    ):
        answer = await client.get("/erasures", headers=refused)
        assert answer.status_code == 403 and answer.headers["content-type"] == "application/problem+json"
        assert erased["participant_id"] not in answer.text
    elsewhere = await client.get("/erasures", headers=as_("profile", "admin", institution=ELSEWHERE))
    assert elsewhere.status_code == 200 and elsewhere.json() == {"erasures": [], "next": None}
    assert (await client.get("/erasures", headers={"Authorization": ""})).status_code == 401
    ours = (await client.get("/erasures", headers=ADMIN)).json()["erasures"]
    assert [e["participant_id"] for e in ours] == [erased["participant_id"]]
