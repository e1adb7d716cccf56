"""The counts program health keeps, against the rows recounted and the figures as scanning computed
them, over random interleavings of everything that changes them: joins, profile changes (campus too),
leaves, erasures, accepts, declines, expiries, ends, rounds, dormancy, and session events delivered
out of order and more than once."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import ParticipantErased, ParticipantLeft, SessionCancelled, SessionScheduled
from mesh_matching.adapters.events import on_participant_erased
from mesh_matching.application.answer_match import accept_match, decline_match, end_match
from mesh_matching.application.expire_proposals import expire_proposals
from mesh_matching.application.follow_participants import follow_profile_update, withdraw_participant
from mesh_matching.application.follow_sessions import follow_session
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.application.run_round import run_round
from mesh_matching.application.watch_dormant_pairs import watch_dormant_pairs
from mesh_matching.domain.candidate import Candidate
from tests.integration.matching.health_support import (
    PROGRAM,
    as_scanned,
    completion,
    counts_match_the_rows,
    scanned,
    scanned_figures,
    session,
)
from tests.integration.matching.test_intake import POLICY, Pool, random_profile

NOW = datetime.now(UTC)
# The tests run the sweeps themselves: the background ones must not race them.
SWEPT_BY_HAND = ("dormant-pairs", "proposal-expiry")


def someone(rng: random.Random):
    return random_profile(rng).model_copy(update={"campus": rng.choice(["north", "south", "east"])})


async def session_events(pool: Pool, rng: random.Random, pair) -> list:
    """What scheduling might send of one session of this pair: scheduled, completed, cancelled, in some order."""
    view = {"match_id": str(pair.match_id), "participants": [{"participant_id": str(p)} for p in pair.participants]}
    session_id, starts = uuid.uuid4(), NOW - timedelta(days=rng.randint(-3, 60), hours=rng.randint(0, 23))
    events = [
        session(
            SessionScheduled,
            view,
            session_id=session_id,
            sequence=1,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            meeting_mode="online",
            cadence="weekly",
        )
    ]
    if rng.random() < 0.6:
        events.append(
            completion(
                view,
                starts + timedelta(hours=rng.randint(1, 30)),
                session_id,
                ratings=rng.sample([1, 2, 3, 4, 5], rng.randint(1, 2)),
            )
        )
    elif rng.random() < 0.5:
        events.append(session(SessionCancelled, view, session_id=session_id, starts_at=starts, cancelled_at=starts))
    return rng.sample(events, len(events)) + rng.sample(events, rng.randint(0, len(events)))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_interleavings_keep_the_counts_the_rows_say(matching, seed) -> None:
    app, client = matching
    rng = random.Random(seed)
    pool = Pool(app)
    people: list[Candidate] = []
    steps = ["join"] * 10 + [
        "update",
        "leave",
        "erase",
        "accept",
        "accept",
        "decline",
        "expire",
        "end",
        "round",
        "dormant",
        "sessions",
        "sessions",
        "sessions",
    ]
    for step in [rng.choice(steps) for _ in range(80)]:
        proposed, accepted = await pool.matches("proposed"), await pool.matches("accepted")
        if step == "join" or not people:
            people.append(Candidate(uuid.uuid4(), someone(rng), joined_at=NOW - timedelta(days=rng.randint(0, 90))))
            await pool.run(register_candidate, people[-1], POLICY)
        elif step == "update":
            await pool.run(follow_profile_update, Candidate(rng.choice(people).participant_id, someone(rng)), POLICY)
        elif step in ("leave", "erase"):
            gone = people.pop(rng.randrange(len(people))).participant_id
            if step == "leave":
                await pool.run(
                    withdraw_participant, ParticipantLeft(participant_id=gone, program_id=PROGRAM, left_at=NOW), POLICY
                )
            else:
                await pool.run(on_participant_erased, ParticipantErased(participant_id=gone, erased_at=NOW))
        elif step in ("accept", "decline", "expire") and proposed:
            match = rng.choice(proposed)
            if step == "accept":
                for person in match.participants:
                    await pool.run(accept_match, match.match_id, person)
            elif step == "decline":
                await pool.run(decline_match, match.match_id, rng.choice(match.participants), rng.choice([None, "busy"]))
            else:
                await pool.tenant.execute(
                    "UPDATE matches SET expires_at = now() - interval '1 second' WHERE match_id = $1", match.match_id
                )
                await pool.run(expire_proposals, PROGRAM)
        elif step == "end" and accepted:
            match = rng.choice(accepted)
            await pool.run(end_match, match.match_id, match.participants[1], "completed", None, POLICY)
        elif step == "round":
            await pool.run(run_round, PROGRAM, None, "score", True, POLICY)
        elif step == "dormant" and accepted:
            await pool.tenant.execute(
                "UPDATE matches SET formed_at = $2 WHERE match_id = $1", rng.choice(accepted).match_id, NOW - timedelta(days=45)
            )
            await pool.run(watch_dormant_pairs, PROGRAM, at=NOW + timedelta(days=rng.choice([0, 0, 20])))
        elif step == "sessions" and accepted:
            for event in await session_events(pool, rng, rng.choice(accepted)):
                await pool.run(follow_session, event)
    await counts_match_the_rows(app)
    report = (await client.get(f"/programs/{PROGRAM}/health")).json()
    overall = report["all_campuses"]
    assert overall["joined"] >= 20 and overall["matched"] > 0 and overall["funnel"]["proposed"] > overall["funnel"]["matched"]
    found = await scanned_figures(app, PROGRAM, datetime.now(UTC))
    for row in (*report["campuses"], report["all_campuses"]):  # (by days, sessions_per_week is not the scan's)
        if row["campus"] in found:
            assert {**as_scanned(row), "sessions_per_week": 0} == {**scanned(found[row["campus"]]), "sessions_per_week": 0}
