"""A round read and written as sets: its pool read as columns is its candidates' own, and each of its
proposals carries score_pair's parts and reasons, with its pair excluded, both people 'proposed', and
one MatchProposed."""

import uuid
from dataclasses import replace

from mesh_matching.adapters.postgres import PostgresCandidates
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds.pool import RoundPool
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week, score_pair
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, outbox_data

PROGRAM = "first-year-stem"


def people() -> list[Candidate]:
    """Spellings that differ only in case, several slots and zones, empty lists, both roles."""
    mentors = [
        mentor_profile(
            mentor_capacity=2,
            goals=["Pass the final exam", "publish"],
            languages=["EN", "de"],
            weekly_availability=[
                {"weekday": "mon", "start": "16:00", "end": "19:00"},
                {"weekday": "wed", "start": "09:15", "end": "11:45"},
            ],
            meeting_modes=["online", "in_person"],
        ),
        mentor_profile(
            mentor_capacity=1, topics=[{"topic": "calculus ii ", "role": "mentor"}], interests=[], campus="North", time_zone="UTC"
        ),
    ]
    mentees = [
        profile(goals=["pass the final exam"], challenges=["Exam anxiety", "time"], meeting_modes=["online", "in_person"]),
        profile(experiences=[], preferred_cadence="monthly", languages=["en", "fr"], time_zone="Europe/London"),
        profile(topics=[{"topic": "Calculus II", "role": "mentee"}, {"topic": "Physics", "role": "mentee"}], campus="south"),
        profile(languages=["fr"]),  # shares no language with any mentor
    ]
    return [Candidate(uuid.uuid4(), p) for p in [*mentors, *mentees]]


async def add(app, candidates: list[Candidate]) -> None:
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        for candidate in candidates:  # straight into the pool, as if joined before rounds began
            await PostgresCandidates(transaction.connection).add(candidate)


async def test_a_rounds_pool_read_as_columns_is_its_candidates_stored_profiles(matching) -> None:
    app, _ = matching
    await add(app, people())
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        store = PostgresCandidates(transaction.connection)
        columns, rooms = await store.round_columns(PROGRAM)
        stored = await store.round_pool(PROGRAM)
    assert len(columns) == 6 and columns.candidates is None
    assert replace(RoundPool.of([candidate for candidate, _ in stored]), candidates=None) == columns
    assert rooms == [room for _, room in stored]


async def test_each_proposal_of_a_round_is_written_with_score_pairs_parts_and_reasons(matching) -> None:
    app, client = matching
    await add(app, people())
    run = await client.post(f"/programs/{PROGRAM}/rounds", json={"mode": "mentor_mentee", "dry_run": False})
    assert run.status_code == 200, run.text
    assert run.json()["pairs"] == 3 == len(run.json()["proposed_match_ids"])
    tenant = in_tenant(app.state.components.database)
    rows = await tenant.fetch("SELECT * FROM matches ORDER BY proposed_at, match_id")
    events = {event["match_id"]: event for event in await outbox_data(app, "MatchProposed")}
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        store = PostgresCandidates(transaction.connection)
        for row in rows:
            first, second = await store.get(row["participant_a"]), await store.get(row["participant_b"])
            assert first is not None and second is not None
            pair = score_pair(first, second, MatchingPolicy(), reference_week(row["proposed_at"]))
            assert isinstance(pair, PairScore)
            assert (row["topic"], (row["role_a"], row["role_b"]), row["score"]) == (pair.topic, pair.roles, pair.score)
            assert row["score_parts"] == [part.model_dump() for part in pair.parts]
            assert row["reasons"] == list(pair.reasons)
            assert row["participant_reasons"] == list(pair.participant_reasons)
            assert events[str(row["match_id"])]["score_parts"] == [part.model_dump() for part in pair.parts]
    people_proposed = {pid for row in rows for pid in (row["participant_a"], row["participant_b"])}
    states = {r["participant_id"]: r["state"] for r in await tenant.fetch("SELECT participant_id, state FROM candidates")}
    assert {pid for pid, state in states.items() if state == "proposed"} == people_proposed
    excluded = await tenant.fetch("SELECT participant_low, participant_high FROM excluded_pairs")
    assert {(r["participant_low"], r["participant_high"]) for r in excluded} == {
        tuple(sorted((row["participant_a"], row["participant_b"]))) for row in rows
    }
