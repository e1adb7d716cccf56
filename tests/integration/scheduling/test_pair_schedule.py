"""A pair's schedule in one read (what the web app's pair page asks): the same agreement and sessions
as the two routes give, to the same people; nothing to a stranger; staff reads audited as both are."""

from tests.integration.identity.test_read_audit import reads
from tests.support.identity import as_
from tests.support.pairs import AGREEMENT, formed_pair

ADMIN = as_("scheduling", "admin")


async def test_a_pairs_schedule_is_its_agreement_and_sessions_read_by_the_same_rules(scheduling) -> None:
    app, client = scheduling
    accepted, tokens = await formed_pair(app)
    a = accepted.participants[0].participant_id
    match_id = str(accepted.match_id)
    proposed = await client.post(
        f"/matches/{match_id}/agreements", json=AGREEMENT | {"participant_id": str(a)}, headers=tokens[a]
    )
    assert proposed.status_code == 201, proposed.text
    for who in (*tokens.values(), as_("scheduling", "coordinator", campuses=("north",)), ADMIN):
        schedule = await client.get(f"/matches/{match_id}/schedule", headers=who)
        assert schedule.status_code == 200, schedule.text
        assert schedule.json() == {
            "agreements": (await client.get(f"/matches/{match_id}/agreements", headers=who)).json(),
            "sessions": (await client.get(f"/matches/{match_id}/sessions", headers=who)).json(),
        }
        assert schedule.json()["sessions"] and schedule.json()["agreements"]["versions"]
    stranger = as_("scheduling", "participant")  # of the institution and campus, not of the pair: refused, as each part
    assert (await client.get(f"/matches/{match_id}/schedule", headers=stranger)).status_code == 403
    assert (await client.get(f"/matches/{match_id}/sessions", headers=stranger)).status_code == 403
    assert (await client.get(f"/matches/{match_id}/schedule", headers={"Authorization": ""})).status_code == 401
    elsewhere = as_("scheduling", "admin", institution="riverside")  # another institution: nothing to see
    assert (await client.get(f"/matches/{match_id}/schedule", headers=elsewhere)).json()["sessions"] == []
    other_campus = as_("scheduling", "coordinator", campuses=("south",))
    assert (await client.get(f"/matches/{match_id}/schedule", headers=other_campus)).json()["sessions"] == []
    coordinator_reads = [
        entry for entry in reads((await client.get("/audit", headers=ADMIN)).json()) if entry[0] == ["coordinator"]
    ]
    sessions = [s["session_id"] for s in (await client.get(f"/matches/{match_id}/sessions", headers=tokens[a])).json()]
    assert coordinator_reads.count((["coordinator"], "agreements", [match_id])) == 2  # its own route, and the schedule
    assert coordinator_reads.count((["coordinator"], "sessions", sorted(sessions))) == 2
