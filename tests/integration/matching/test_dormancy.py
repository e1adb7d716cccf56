"""Dormant pairs on a real database: found dormant by the program's rule, revived by a completion in
whichever order it arrives, ended after the grace with their places offered again, each step once."""

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import ProgressRating, SessionCompleted
from mesh_matching.adapters.workers import sweep_dormant
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.follow_sessions import follow_session
from mesh_matching.application.watch_dormant_pairs import DormancySweep, watch_dormant_pairs
from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.clock import advance
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import mentor_profile, profile
from tests.support.services import all_published, outbox_data, outbox_types, running

NOW = datetime.now(UTC)
PROGRAM = "first-year-stem"


async def formed_pair(app, client, mentor) -> dict:
    mentee = await join(app, profile())
    match = (await client.get(f"/participants/{mentee}/matches")).json()[0]
    for person in (mentor, mentee):
        assert (
            await client.post(f"/matches/{match['match_id']}/accept", json={"participant_id": str(person)})
        ).status_code == 200
    return (await client.get(f"/matches/{match['match_id']}")).json()


def completed(match: dict, at: datetime) -> SessionCompleted:
    ids = [p["participant_id"] for p in match["participants"]]
    return SessionCompleted(
        session_id=uuid.uuid4(),
        match_id=match["match_id"],
        program_id=PROGRAM,
        participant_ids=ids,
        completed_at=at,
        reflections=[ProgressRating(participant_id=ids[0], progress_rating=4)],
    )


async def sweep(app, at: datetime) -> DormancySweep:
    return await in_transaction(app, lambda uow: watch_dormant_pairs(uow, PROGRAM), at=at)


async def test_a_quiet_pair_is_nudged_then_ended_and_its_places_go_to_others_while_a_pair_that_met_stays(matching) -> None:
    app, client = matching
    await in_transaction(
        app, lambda uow: follow_program(uow, PROGRAM, definition(dormant_after_days=10, dormant_grace_days=5), NOW)
    )
    mentor = await join(app, mentor_profile(mentor_capacity=2))
    quiet, meeting = await formed_pair(app, client, mentor), await formed_pair(app, client, mentor)
    assert quiet["formed_at"] is not None
    waiting = await join(app, profile())  # the mentor's two places are taken: waits
    assert (await client.get(f"/participants/{waiting}/matches")).json() == []

    assert await sweep(app, NOW + timedelta(days=9)) == DormancySweep()  # not yet ten days
    found_at = NOW + timedelta(days=11)
    assert await sweep(app, found_at) == DormancySweep(found_dormant=2)
    assert await sweep(app, found_at) == DormancySweep()  # found once: no second nudge
    stalled = {event["match_id"]: event for event in await outbox_data(app, "MatchStalled")}
    assert set(stalled) == {quiet["match_id"], meeting["match_id"]}
    assert datetime.fromisoformat(stalled[quiet["match_id"]]["ends_at"]) == found_at + timedelta(days=5)
    view = (await client.get(f"/matches/{quiet['match_id']}")).json()
    assert view["status"] == "accepted" and datetime.fromisoformat(view["dormant_ends_at"]) == found_at + timedelta(days=5)
    health = (await client.get(f"/programs/{PROGRAM}/health")).json()
    assert (health["all_campuses"]["dormant_pairs"], health["dormant_after_days"], health["dormant_grace_days"]) == (2, 10, 5)

    await in_transaction(app, lambda uow: follow_session(uow, completed(meeting, found_at + timedelta(days=1))))
    assert (await client.get(f"/matches/{meeting['match_id']}")).json()["dormant_since"] is None  # active again at once

    assert await sweep(app, found_at + timedelta(days=5)) == DormancySweep(ended=1)
    ended = await outbox_data(app, "MatchEnded")
    assert [(e["match_id"], e["cause"], e["outcome"], e["ended_by"]) for e in ended] == [
        (quiet["match_id"], "dormant", "ended_early", None)
    ]
    assert (await client.get(f"/matches/{meeting['match_id']}")).json()["status"] == "accepted"
    # the mentor's freed place goes to the person waiting, at once; never back to the dormant partner
    offered = (await client.get(f"/participants/{waiting}/matches")).json()
    assert [m["status"] for m in offered] == ["proposed"]
    assert str(mentor) in {p["participant_id"] for p in offered[0]["participants"]}
    assert await sweep(app, found_at + timedelta(days=6)) == DormancySweep()  # ended once
    health = (await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"]
    assert (health["dormant_pairs"], health["ended_by_reason"]) == (0, {"dormant": 1})
    assert (await outbox_types(app)).count("MatchEnded") == 1
    await all_published(app)  # on Kafka too, for the contract audit


@pytest.mark.parametrize("order", ["completion_reported_before_the_sweep", "completion_reported_after_the_sweep"])
async def test_a_session_completed_before_it_was_found_dormant_counts_in_either_order(matching, order) -> None:
    """The completion happened on day 8 and reaches matching late: either way the pair does not end."""
    app, client = matching
    await in_transaction(
        app, lambda uow: follow_program(uow, PROGRAM, definition(dormant_after_days=10, dormant_grace_days=5), NOW)
    )
    pair = await formed_pair(app, client, await join(app, mentor_profile()))
    met = completed(pair, NOW + timedelta(days=8))
    if order == "completion_reported_before_the_sweep":
        await in_transaction(app, lambda uow: follow_session(uow, met))
        assert await sweep(app, NOW + timedelta(days=11)) == DormancySweep()
    else:
        assert await sweep(app, NOW + timedelta(days=11)) == DormancySweep(found_dormant=1)
        await in_transaction(app, lambda uow: follow_session(uow, met))
    assert await sweep(app, NOW + timedelta(days=16)) == DormancySweep()
    assert (await client.get(f"/matches/{pair['match_id']}")).json()["status"] == "accepted"
    # and from that completion on, the rule runs again: quiet until day 19 means dormant then
    assert (await sweep(app, NOW + timedelta(days=19))).found_dormant == 1


async def test_the_sweep_by_the_clock_ends_only_after_the_margin_and_a_relaxed_rule_revives(
    endpoints, database_factory, tmp_path
) -> None:
    clock_file = tmp_path / "clock-offset"
    # the test runs the sweep itself: the background one must not race it
    own_sweep = dataclasses.replace(
        DEFINITION,
        workers=lambda components: [
            worker for worker in DEFINITION.workers(components) if getattr(worker, "name", None) != "dormant-pairs"
        ],
    )
    async with running(own_sweep, endpoints.kafka_bootstrap, await database_factory(own_sweep), clock_offset_file=clock_file) as (
        app,
        client,
    ):
        components = app.state.components
        await in_transaction(
            app, lambda uow: follow_program(uow, PROGRAM, definition(dormant_after_days=10, dormant_grace_days=5), NOW)
        )
        mentor = await join(app, mentor_profile(mentor_capacity=2))
        quiet, relaxed = await formed_pair(app, client, mentor), await formed_pair(app, client, mentor)
        advance(clock_file, timedelta(days=11))
        assert await sweep_dormant(components) == DormancySweep(found_dormant=2)
        assert await sweep_dormant(components) == DormancySweep()
        advance(clock_file, timedelta(days=5, minutes=30))  # past the grace, not past the hour's margin
        assert await sweep_dormant(components) == DormancySweep()
        # the coordinator relaxes the rule to 20 days: both are active again, and stay so at the old end
        await in_transaction(
            app,
            lambda uow: follow_program(
                uow, PROGRAM, definition(dormant_after_days=20, dormant_grace_days=5), NOW + timedelta(minutes=1)
            ),
        )
        advance(clock_file, timedelta(hours=1))
        assert await sweep_dormant(components) == DormancySweep(revived=2)
        for pair in (quiet, relaxed):
            view = (await client.get(f"/matches/{pair['match_id']}")).json()
            assert (view["status"], view["dormant_since"]) == ("accepted", None)
