"""Matching on a real database: proposals, answers, and capacity that holds under concurrency."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from mesh_matching.adapters.postgres import PostgresCandidates, PostgresMatchingUnitOfWork
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import MatchingPolicy
from mesh_runtime.db import Cause
from tests.support.factories import mentor_profile, profile
from tests.support.fakes.clock import FixedClock
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, outbox_types


async def join(app, p) -> uuid.UUID:
    newcomer = Candidate(uuid.uuid4(), p)
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        await register_candidate(
            PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION)), newcomer
        )
    return newcomer.participant_id


async def test_a_mentor_with_room_for_one_is_proposed_to_one_mentee(matching) -> None:
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=1))
    first, second = await join(app, profile()), await join(app, profile())
    assert len((await client.get(f"/participants/{mentor}/matches")).json()) == 1
    assert len((await client.get(f"/participants/{first}/matches")).json()) == 1
    assert (await client.get(f"/participants/{second}/matches")).json() == []  # waits in the pool
    match = (await client.get(f"/participants/{first}/matches")).json()[0]
    assert match["status"] == "proposed" and match["reasons"] and 0 < match["score"] <= 1
    assert await outbox_types(app) == ["MatchProposed"]


async def test_both_accept_then_match_accepted_carries_their_schedules(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile()), await join(app, profile())
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    outsider = await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(uuid.uuid4())})
    assert outsider.status_code == 403
    half = await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentor)})
    assert half.json()["status"] == "proposed"
    both = await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentee)})
    assert both.json()["status"] == "accepted"
    assert await outbox_types(app) == ["MatchProposed", "MatchAccepted"]
    again = await client.post(f"/matches/{match_id}/decline", json={"participant_id": str(mentee)})
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]
    assert (await client.post(f"/matches/{match_id}/accept", json={})).status_code == 422


async def test_declining_frees_capacity_and_the_pair_is_never_proposed_again(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile(mentor_capacity=1)), await join(app, profile())
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    declined = await client.post(f"/matches/{match_id}/decline", json={"participant_id": str(mentee), "reason": "timing"})
    assert declined.json()["status"] == "declined" and declined.json()["closing_reason"] == "timing"
    published = await app.state.components.database.pool.fetch("SELECT value FROM mesh_outbox")
    assert published and not any(b"timing" in bytes(row["value"]) for row in published)  # their words stay here
    used = await in_tenant(app.state.components.database).fetchval(
        "SELECT used FROM candidates WHERE participant_id = $1", mentor
    )
    assert used == 0
    newcomer = await join(app, profile())
    assert len((await client.get(f"/participants/{newcomer}/matches")).json()) == 1  # the freed mentor
    assert await outbox_types(app) == ["MatchProposed", "MatchDeclined", "MatchProposed"]


async def test_capacity_is_never_exceeded_however_many_reserve_at_once(matching) -> None:
    app, _ = matching
    database = app.state.components.database
    mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=3))
    async with database.transaction(INSTITUTION) as transaction:
        await PostgresCandidates(transaction.connection).add(mentor)

    async def reserve() -> bool:
        async with database.transaction(INSTITUTION) as transaction:
            return await PostgresCandidates(transaction.connection).reserve(mentor.participant_id)

    results = await asyncio.gather(*(reserve() for _ in range(25)))
    assert results.count(True) == 3
    assert await in_tenant(database).fetchval("SELECT used FROM candidates WHERE participant_id = $1", mentor.participant_id) == 3
    with pytest.raises(Exception, match="capacity_respected"):
        await in_tenant(database).execute("UPDATE candidates SET used = 4 WHERE participant_id = $1", mentor.participant_id)


async def test_lapsed_proposals_expire_and_give_both_places_back(matching) -> None:
    from datetime import timedelta

    from mesh_matching.application.expire_proposals import expire_proposals

    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=1))
    mentee = await join(app, profile())
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentor)})
    components = app.state.components
    later = datetime.now(UTC) + timedelta(days=8)
    async with components.database.transaction(INSTITUTION) as transaction:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION), clock=FixedClock(later))
        assert await expire_proposals(uow, "first-year-stem") == 1
        assert await expire_proposals(uow, "first-year-stem") == 0
    match = (await client.get(f"/matches/{match_id}")).json()
    assert match["status"] == "expired"
    used = await in_tenant(components.database).fetch(
        "SELECT used FROM candidates WHERE participant_id = ANY($1::uuid[])", [mentor, mentee]
    )
    assert [row["used"] for row in used] == [0, 0]
    late = await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentee)})
    assert late.status_code == 409
    assert await outbox_types(app) == ["MatchProposed", "MatchExpired"]


async def test_a_leaver_is_withdrawn_their_matches_close_and_partners_are_offered_a_rematch(matching) -> None:
    from mentoring_contracts import ParticipantLeft
    from mesh_matching.application.follow_participants import withdraw_participant

    app, client = matching
    leaving_mentor = await join(app, mentor_profile(mentor_capacity=2))
    formed_with, proposed_to = await join(app, profile()), await join(app, profile())
    formed = (await client.get(f"/participants/{formed_with}/matches")).json()[0]["match_id"]
    for pid in (leaving_mentor, formed_with):
        await client.post(f"/matches/{formed}/accept", json={"participant_id": str(pid)})
    other_mentor = await join(app, mentor_profile(mentor_capacity=2, display_name="Cleo M."))  # free: nobody waits
    components = app.state.components
    event = ParticipantLeft(participant_id=leaving_mentor, program_id="first-year-stem", left_at=datetime.now(UTC))
    async with components.database.transaction(INSTITUTION) as transaction:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION))
        rematches = await withdraw_participant(uow, event, MatchingPolicy())
    assert {m.partner_of(other_mentor) for m in rematches} == {formed_with, proposed_to}
    statuses = {m["match_id"]: m["status"] for m in (await client.get(f"/participants/{leaving_mentor}/matches")).json()}
    assert statuses[formed] == "ended" and sorted(statuses.values()) == ["declined", "ended"]
    assert await outbox_types(app) == [
        "MatchProposed",
        "MatchProposed",
        "MatchAccepted",  # each freed place at once:
        "MatchEnded",
        "MatchProposed",
        "MatchDeclined",
        "MatchProposed",
    ]
    newcomer = await join(app, profile())  # the leaver is in no pool any more
    assert all(
        leaving_mentor not in (m["participants"][0]["participant_id"], m["participants"][1]["participant_id"])
        for m in (await client.get(f"/participants/{newcomer}/matches")).json()
    )


async def test_a_profile_update_never_drops_capacity_below_what_is_held(matching) -> None:
    from mesh_matching.application.follow_participants import follow_profile_update

    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=2))
    await join(app, profile())
    await join(app, profile())
    components = app.state.components
    smaller = Candidate(mentor, mentor_profile(mentor_capacity=1))
    async with components.database.transaction(INSTITUTION) as transaction:
        await follow_profile_update(
            PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION)), smaller
        )
    row = await in_tenant(components.database).fetchrow(
        "SELECT capacity, used, profile FROM candidates WHERE participant_id = $1", mentor
    )
    assert (row["capacity"], row["used"]) == (2, 2) and row["profile"]["mentor_capacity"] == 1


async def test_a_coordinator_previews_then_runs_an_optimal_round(matching) -> None:
    app, client = matching
    components = app.state.components
    mentors = [Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=2)) for _ in range(2)]
    mentees = [Candidate(uuid.uuid4(), profile()) for _ in range(5)]
    loner = Candidate(uuid.uuid4(), profile(languages=["fr"]))  # shares no language with any mentor
    async with components.database.transaction(INSTITUTION) as transaction:
        for candidate in [*mentors, *mentees, loner]:  # straight into the pool, as if joined before rounds began
            await PostgresCandidates(transaction.connection).add(candidate)
    preview = await client.post("/programs/first-year-stem/rounds", json={"mode": "mentor_mentee"})
    assert preview.status_code == 200, preview.text
    report = preview.json()
    assert report["pool_size"] == 8 and report["pairs"] == 4  # two mentors, two places each
    assert report["optimal"] and report["total_score"] <= report["upper_bound"]
    assert sum(report["distribution"].values()) == 4 and report["proposed_match_ids"] == []
    reasons = {u["participant_id"]: u["reason"] for u in report["unmatched"]}
    assert reasons[str(loner.participant_id)] == "no eligible partner in the pool"
    assert list(reasons.values()).count("every eligible partner went to a better-scoring pair") == 1
    assert await outbox_types(app) == []  # a dry run changes nothing
    run = (await client.post("/programs/first-year-stem/rounds", json={"mode": "mentor_mentee", "dry_run": False})).json()
    assert len(run["proposed_match_ids"]) == 4
    assert await outbox_types(app) == ["MatchProposed"] * 4
    used = await in_tenant(components.database).fetch(
        "SELECT used FROM candidates WHERE participant_id = ANY($1::uuid[])", [m.participant_id for m in mentors]
    )
    assert sorted(row["used"] for row in used) == [2, 2]
    again = (await client.post("/programs/first-year-stem/rounds", json={"mode": "mentor_mentee"})).json()
    assert again["pairs"] == 0 and again["pool_size"] == 2  # the unmatched mentee and the loner remain
    bad = await client.post("/programs/first-year-stem/rounds", json={"mode": "group"})
    assert bad.status_code == 422


async def test_a_participant_ends_a_formed_pair_early_and_the_other_is_offered_a_rematch(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile(mentor_capacity=1)), await join(app, profile())
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    early = await client.post(f"/matches/{match_id}/end", json={"participant_id": str(mentee), "outcome": "ended_early"})
    assert early.status_code == 409 and "not a formed pair" in early.json()["detail"]
    for pid in (mentor, mentee):
        await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(pid)})
    other_mentor = await join(app, mentor_profile(mentor_capacity=1, display_name="Cleo M."))  # waits: nobody free
    outsider = await client.post(f"/matches/{match_id}/end", json={"participant_id": str(uuid.uuid4()), "outcome": "completed"})
    assert outsider.status_code == 403
    ended = await client.post(
        f"/matches/{match_id}/end", json={"participant_id": str(mentor), "outcome": "ended_early", "reason": "changed jobs"}
    )
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    rematch = [m for m in (await client.get(f"/participants/{mentee}/matches")).json() if m["status"] == "proposed"]
    assert {p["participant_id"] for p in rematch[0]["participants"]} == {str(mentee), str(other_mentor)}
    assert await outbox_types(app) == ["MatchProposed", "MatchAccepted", "MatchEnded", "MatchProposed"]


async def test_self_selection_suggests_then_many_accepts_at_once_never_exceed_capacity(matching) -> None:
    import asyncio

    app, client = matching
    components = app.state.components
    mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=2))
    mentees = [Candidate(uuid.uuid4(), profile()) for _ in range(10)]
    async with components.database.transaction(INSTITUTION) as transaction:
        for candidate in [mentor, *mentees]:
            await PostgresCandidates(transaction.connection).add(candidate)
    suggested = (await client.get(f"/participants/{mentees[0].participant_id}/suggestions")).json()
    assert [s["participant_id"] for s in suggested] == [str(mentor.participant_id)]
    assert suggested[0]["reasons"] and suggested[0]["kind"] == "mentor_mentee"
    match_ids = []
    for mentee in mentees:  # ten requests to one mentor with two places: none is refused
        result = (
            await client.post(
                f"/participants/{mentee.participant_id}/requests", json={"partner_ids": [str(mentor.participant_id)]}
            )
        ).json()
        assert result[0]["refused"] is None
        match_ids.append(result[0]["match_id"])
    again = (
        await client.post(
            f"/participants/{mentees[0].participant_id}/requests",
            json={"partner_ids": [str(mentor.participant_id), str(mentees[1].participant_id)]},
        )
    ).json()
    assert again[0]["refused"] == "this pair was proposed before" and again[1]["refused"].startswith("not an eligible pair")
    answers = await asyncio.gather(
        *(
            client.post(f"/matches/{match_id}/accept", json={"participant_id": str(mentor.participant_id)})
            for match_id in match_ids
        )
    )
    assert sorted(a.status_code for a in answers) == [200] * 2 + [409] * 8  # the database refused the other eight
    used = await in_tenant(components.database).fetchval(
        "SELECT used FROM candidates WHERE participant_id = $1", mentor.participant_id
    )
    assert used == 2
    formed = await in_tenant(components.database).fetchval("SELECT count(*) FROM matches WHERE status = 'accepted'")
    assert formed == 2
    assert (
        await client.post(f"/participants/{uuid.uuid4()}/requests", json={"partner_ids": [str(mentor.participant_id)]})
    ).status_code == 404  # nobody known
    assert (await client.post(f"/participants/{mentees[0].participant_id}/requests", json={"partner_ids": []})).status_code == 422


async def test_a_coordinator_versions_the_program_policy_and_matching_obeys_it(matching) -> None:
    app, client = matching
    default = (await client.get("/programs/first-year-stem/policy")).json()
    assert default["version"] == 0 and default["policy"]["shared_language_required"] is True
    body = default["policy"] | {
        "same_campus_required": True,
        "must_match": "goals",
        "weights": default["policy"]["weights"] | {"interests": 0.0},
    }
    first = await client.put("/programs/first-year-stem/policy", json=body)
    assert first.status_code == 200 and first.json()["version"] == 1
    second = await client.put("/programs/first-year-stem/policy", json=body | {"mode": "peer"})
    assert second.json()["version"] == 2
    assert [v["version"] for v in (await client.get("/programs/first-year-stem/policy/versions")).json()] == [1, 2]
    for invalid in (
        {"weights": {"goals": 0.0, **{k: 0.0 for k in default["policy"]["weights"]}}},
        {"weights": {"astrology": 1.0}},
        {"max_time_zone_gap_hours": -1},
        {"must_match": "campus"},
    ):
        response = await client.put("/programs/first-year-stem/policy", json=body | invalid)
        assert response.status_code == 422, invalid
    await client.put("/programs/first-year-stem/policy", json=body)  # version 3: mentor-mentee again
    south_mentor = await join(app, mentor_profile(campus="south"))
    north_mentee = await join(app, profile(campus="north"))
    assert (await client.get(f"/participants/{north_mentee}/matches")).json() == []  # other campus: not proposed
    other_goals = await join(app, mentor_profile(campus="north", goals=["find a job"]))
    assert (await client.get(f"/participants/{other_goals}/matches")).json() == []  # no goal in common
    fitting = await join(app, mentor_profile(campus="north"))
    proposed = (await client.get(f"/participants/{fitting}/matches")).json()
    assert [p["participant_id"] for p in proposed[0]["participants"]] == [str(fitting), str(north_mentee)]
    parts = {p["criterion"] for p in proposed[0]["score_parts"]}
    assert "interests" not in parts  # weight 0: not part of the score
    assert south_mentor
