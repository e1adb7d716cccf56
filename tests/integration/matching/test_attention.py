"""What needs a coordinator's attention, on a real database: dormant pairs soonest to end first, people
waiting longest first, people who declined often most first; each list cut at the limit with its
total, per campus for a coordinator, refused to anyone else."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import ParticipantLeft
from mesh_matching.application.follow_participants import withdraw_participant
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.application.watch_dormant_pairs import watch_dormant_pairs
from mesh_matching.domain.candidate import Candidate
from tests.integration.matching.health_support import PROGRAM, completion, counts_match_the_rows, formed_pair, seen
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_
from tests.support.services import in_tenant

NOW = datetime.now(UTC)
NORTH_ONLY = as_("matching", "coordinator", campuses=("north",))
SOUTH_ONLY = as_("matching", "coordinator", campuses=("south",))
# The tests run the sweeps themselves: the background ones must not race them.
SWEPT_BY_HAND = ("dormant-pairs",)


async def join_at(app, given, joined_at: datetime) -> uuid.UUID:
    newcomer = Candidate(uuid.uuid4(), given, joined_at=joined_at)
    await in_transaction(app, lambda uow: register_candidate(uow, newcomer))
    return newcomer.participant_id


async def gone_quiet(app, pair: dict, found_at: datetime) -> None:
    """Formed 40 days before ``found_at`` and found dormant then (ending the program's grace later)."""
    await in_tenant(app.state.components.database).execute(
        "UPDATE matches SET formed_at = $2 WHERE match_id = $1", uuid.UUID(pair["match_id"]), found_at - timedelta(days=40)
    )
    assert (await in_transaction(app, lambda uow: watch_dormant_pairs(uow, PROGRAM), at=found_at)).found_dormant == 1


async def declines_every_proposal(client, person: uuid.UUID, times: int) -> None:
    """Declines the proposal they have; matching proposes the next mentor with room at once."""
    for _ in range(times):
        open_ = [m for m in (await client.get(f"/participants/{person}/matches")).json() if m["status"] == "proposed"]
        assert len(open_) == 1
        declined = await client.post(f"/matches/{open_[0]['match_id']}/decline", json={"participant_id": str(person)})
        assert declined.status_code == 200


def totals(report: dict) -> tuple[int, int, int]:
    return report["dormant_pairs_total"], report["waiting_longest_total"], report["declined_often_total"]


def ids(items: list[dict]) -> list[str]:
    return [item["participant_id"] if "participant_id" in item else item["match_id"] for item in items]


async def test_the_lists_hold_what_needs_attention_in_order_of_urgency_per_campus(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(), NOW))
    mentor = await join(app, mentor_profile(mentor_capacity=3, campus="north"))
    first, second = await formed_pair(app, client, mentor), await formed_pair(app, client, mentor, campus="south")
    southern = await formed_pair(app, client, await join(app, mentor_profile(mentor_capacity=1, campus="south")), campus="south")
    await seen(app, completion(second, NOW - timedelta(days=35)))  # met once, long ago: still quiet
    await gone_quiet(app, second, NOW)  # found first, ends first
    await gone_quiet(app, first, NOW + timedelta(hours=1))
    await gone_quiet(app, southern, NOW + timedelta(hours=2))

    lonely = [
        await join_at(app, profile(campus=campus, topics=[{"topic": topic, "role": "peer"}]), NOW - timedelta(days=days))
        for campus, topic, days in (("north", "Chess", 10), ("south", "Go", 5), ("north", "Bridge", 1))
    ]
    physics = [
        await join(app, mentor_profile(mentor_capacity=1, campus="north", topics=[{"topic": "Physics", "role": "mentor"}]))
        for _ in range(3)
    ]
    biology = [
        await join(app, mentor_profile(mentor_capacity=1, campus="south", topics=[{"topic": "Biology", "role": "mentor"}]))
        for _ in range(4)
    ]
    picky = await join(app, profile(campus="north", topics=[{"topic": "Physics", "role": "mentee"}]))
    pickier = await join(app, profile(campus="south", topics=[{"topic": "Biology", "role": "mentee"}]))
    await declines_every_proposal(client, picky, 3)
    await declines_every_proposal(client, pickier, 4)

    report = (await client.get(f"/programs/{PROGRAM}/attention", params={"limit": 3})).json()
    assert report["campuses"] == ["north", "south"]
    assert ids(report["dormant_pairs"]) == [second["match_id"], first["match_id"], southern["match_id"]]
    soonest = report["dormant_pairs"][0]
    assert soonest["campuses"] == ["north", "south"] and soonest["last_session_at"] is not None
    assert [(m["participant_id"], m["role"], m["campus"]) for m in soonest["members"]] == [
        (p["participant_id"], p["role"], {"mentor": "north", "mentee": "south"}[p["role"]]) for p in second["participants"]
    ]
    assert all(m["display_name"] for m in soonest["members"])
    assert report["dormant_pairs"][1]["last_session_at"] is None
    assert datetime.fromisoformat(soonest["ends_on"]) < datetime.fromisoformat(report["dormant_pairs"][1]["ends_on"])
    assert ids(report["waiting_longest"]) == [str(p) for p in lonely]  # longest first: 10, 5 and 1 days
    assert report["waiting_longest"][0]["roles"] == ["peer"] and report["waiting_longest"][0]["declines"] == 0
    assert [(p["participant_id"], p["declines"]) for p in report["declined_often"]] == [(str(pickier), 4), (str(picky), 3)]
    assert all(p["last_declined_at"] and p["declined_by_partners"] == 0 for p in report["declined_often"])
    # everyone waiting: the three alone, the seven mentors declined, and the two who declined them
    assert totals(report) == (3, 3 + 7 + 2, 2)
    everyone = (await client.get(f"/programs/{PROGRAM}/attention", params={"limit": 100})).json()
    assert len(everyone["waiting_longest"]) == 12 and set(ids(everyone["waiting_longest"])) >= {
        str(p) for p in (*physics, *biology, picky, pickier)
    }
    waiting = [datetime.fromisoformat(p["waiting_since"]) for p in everyone["waiting_longest"]]
    assert waiting == sorted(waiting)

    north = (await client.get(f"/programs/{PROGRAM}/attention", headers=NORTH_ONLY)).json()
    assert north["campuses"] == ["north"]
    assert ids(north["dormant_pairs"]) == [second["match_id"], first["match_id"]]  # a pair with a north member
    assert {p["campus"] for p in north["waiting_longest"]} == {"north"} and ids(north["declined_often"]) == [str(picky)]
    assert totals(north) == (2, 2 + 3 + 1, 1)
    south = (await client.get(f"/programs/{PROGRAM}/attention", params={"campus": "south"})).json()
    assert ids(south["dormant_pairs"]) == [second["match_id"], southern["match_id"]]
    assert totals(south) == (2, 1 + 4 + 1, 1)
    both = (await client.get(f"/programs/{PROGRAM}/attention", headers=as_("matching", "coordinator"))).json()
    assert totals(both) == totals(report)  # a coordinator of both campuses: each pair counted once
    audited = await in_tenant(app.state.components.database).fetchval(
        "SELECT count(*) FROM mesh_audit WHERE action = 'personal_data.read' AND resource = 'participants'"
    )
    assert audited == 5
    await counts_match_the_rows(app)


async def test_leaving_closes_proposals_without_counting_as_a_decline(matching) -> None:
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=1))
    leaver = await join(app, profile())
    await in_transaction(
        app, lambda uow: withdraw_participant(uow, ParticipantLeft(participant_id=leaver, program_id=PROGRAM, left_at=NOW))
    )
    row = await in_tenant(app.state.components.database).fetchrow(
        "SELECT (SELECT declines FROM health_people WHERE participant_id = $1) AS declines, "
        "(SELECT declined_by_partners FROM health_people WHERE participant_id = $2) AS declined_by_partners",
        leaver,
        mentor,
    )
    assert (row["declines"], row["declined_by_partners"]) == (0, 0)
    report = (await client.get(f"/programs/{PROGRAM}/attention")).json()
    assert ids(report["waiting_longest"]) == [str(mentor)] and report["declined_often"] == []
    await counts_match_the_rows(app)


async def test_only_the_programs_staff_see_the_lists_and_bad_input_is_refused(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(), NOW))
    await join(app, profile(campus="north"))
    path = f"/programs/{PROGRAM}/attention"
    assert (await client.get(path, headers=as_("matching", "participant"))).status_code == 403
    assert (await client.get(path, headers=as_("matching", "coordinator", campuses=("east",)))).status_code == 404
    assert (await client.get(path, headers=as_("matching", "admin", institution="other-college"))).status_code == 404
    assert (await client.get("/programs/no-such-program/attention")).status_code == 404
    hidden = await client.get(path, params={"campus": "south"}, headers=NORTH_ONLY)
    assert hidden.status_code == 404 and hidden.json()["type"].endswith(":unknown-campus")
    assert (await client.get(path, params={"campus": "nowhere"})).status_code == 404
    for limit in (0, 101, "many"):
        refused = await client.get(path, params={"limit": limit})
        assert refused.status_code == 422 and refused.json()["type"].endswith(":invalid-request")
    assert (await client.get(path, headers=SOUTH_ONLY)).json()["waiting_longest"] == []
