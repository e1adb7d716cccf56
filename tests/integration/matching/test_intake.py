"""Intake on a real database: every place that can be filled is, whatever the order of events.

Checked after every step, against a brute-force recompute over the whole pool (every open
candidate read, every pair scored):
- a join proposes exactly the partners a full recompute would (best first, as many as they have places);
- no two people with room who fit each other are left waiting unproposed (the pool is maximal).
The steps are random interleavings of joins, profile updates, leaves, accepts, declines, ends and
expiries (fixed seeds, so a failure replays), and the same joins in other orders, concurrently, and
through two matching replicas on one database.
"""

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import ParticipantLeft, ParticipantProfile
from mesh_matching.adapters.kept_in_memory import DECODED
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork, match_from_row
from mesh_matching.adapters.postgres.candidates import PostgresCandidates, stored_profile
from mesh_matching.application.answer_match import accept_match, decline_match, end_match
from mesh_matching.application.expire_proposals import expire_proposals
from mesh_matching.application.follow_participants import follow_profile_update, withdraw_participant
from mesh_matching.application.register_candidate import register_candidate, register_candidates
from mesh_matching.bootstrap import DEFINITION
from mesh_matching.domain.candidate import Candidate, MatchingProfile
from mesh_matching.domain.proposal import rank_partners
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week, score_pair
from mesh_runtime.db import Cause
from tests.support.factories import profile
from tests.support.fakes.clock import FixedClock
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, running

PROGRAM = "first-year-stem"
POLICY = MatchingPolicy()


def random_profile(rng: random.Random) -> ParticipantProfile:
    """A small vocabulary, so that some pairs fit and others do not (topic, role, language, hours)."""
    topics = rng.sample([rng.choice(["Calculus II", " calculus ii"]), "Physics", "Statistics"], rng.randint(1, 2))
    roles = [rng.choice(["mentor", "mentee", "mentee", "peer"]) for _ in topics]
    mentors = "mentor" in roles
    slots = [{"weekday": rng.choice(["mon", "tue"]), "start": "17:00", "end": rng.choice(["18:00", "19:00"])}]
    return profile(
        topics=[{"topic": t, "role": r} for t, r in zip(topics, roles, strict=True)],
        mentor_capacity=rng.randint(1, 3) if mentors else 0,
        languages=rng.choice([["en"], ["de"], ["en", "de"]]),
        weekly_availability=slots,
        goals=rng.sample(["pass", "publish", "network"], rng.randint(0, 2)),
    )


class Pool:
    """The service's state, read whole (no index), for the brute-force reference."""

    def __init__(self, app) -> None:
        self.components = app.state.components
        self.tenant = in_tenant(self.components.database)

    def uow(self, transaction, at: datetime | None = None) -> PostgresMatchingUnitOfWork:
        """By the service's clock, or one standing ``at``."""
        clock = FixedClock(at) if at is not None else self.components.clock
        return PostgresMatchingUnitOfWork(transaction, self.components.source, Cause(institution=INSTITUTION), clock=clock)

    async def run(self, use_case, *args, at: datetime | None = None, **kwargs):
        async with self.components.database.transaction(INSTITUTION) as transaction:
            return await use_case(self.uow(transaction, at), *args, **kwargs)

    async def open_candidates(self) -> list[tuple[Candidate, int]]:
        rows = await self.tenant.fetch(
            "SELECT participant_id, profile, subject, capacity - used AS room FROM candidates "
            "WHERE active AND used < capacity ORDER BY joined_seq"
        )
        return [(Candidate(r["participant_id"], stored_profile(r["profile"]), r["subject"]), r["room"]) for r in rows]

    async def excluded(self) -> set[frozenset[uuid.UUID]]:
        rows = await self.tenant.fetch("SELECT participant_low, participant_high FROM excluded_pairs")
        return {frozenset((r["participant_low"], r["participant_high"])) for r in rows}

    async def matches(self, status: str) -> list:
        return [
            match_from_row(r)
            for r in await self.tenant.fetch("SELECT * FROM matches WHERE status = $1 ORDER BY proposed_at", status)
        ]

    async def full_recompute(self, newcomer: Candidate) -> list[uuid.UUID]:
        """Whom a join should be proposed to: every open candidate scored, best first, while places last."""
        excluded = await self.excluded()
        pool = [
            (c, room)
            for c, room in await self.open_candidates()
            if c.participant_id != newcomer.participant_id
            and frozenset((c.participant_id, newcomer.participant_id)) not in excluded
        ]
        ranked = rank_partners(newcomer, [c for c, _ in pool], POLICY, reference_week(datetime.now(UTC)))
        return [p.partner.participant_id for p in ranked][: newcomer.capacity]

    async def waiting_pairs(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """Pairs of people with room who fit each other and were never proposed: must be none."""
        open_ = await self.open_candidates()
        excluded = await self.excluded()
        week = reference_week(datetime.now(UTC))
        return [
            (a.participant_id, b.participant_id)
            for i, (a, _) in enumerate(open_)
            for b, _ in open_[i + 1 :]
            if frozenset((a.participant_id, b.participant_id)) not in excluded
            and isinstance(score_pair(a, b, POLICY, week), PairScore)
        ]


async def test_a_mentor_with_three_places_who_joins_last_is_proposed_three_waiting_mentees(matching) -> None:
    pool = Pool(matching[0])
    mentees = [Candidate(uuid.uuid4(), profile()) for _ in range(4)]
    for mentee in mentees:
        assert await pool.run(register_candidate, mentee, POLICY) == []  # nobody to fit yet
    mentor = Candidate(uuid.uuid4(), profile(topics=[{"topic": "Calculus II", "role": "mentor"}], mentor_capacity=3))
    proposed = await pool.run(register_candidate, mentor, POLICY)
    assert [m.partner_of(mentor.participant_id) for m in proposed] == [
        m.participant_id for m in mentees[:3]
    ]  # join order breaks ties
    assert await pool.waiting_pairs() == []


@pytest.mark.parametrize("how", ["declined", "expired", "ended completed", "ended early"])
async def test_a_place_freed_by_a_decline_an_expiry_or_an_end_is_offered_again_at_once(matching, how) -> None:
    pool = Pool(matching[0])
    mentor = Candidate(uuid.uuid4(), profile(topics=[{"topic": "Calculus II", "role": "mentor"}], mentor_capacity=1))
    first, second = Candidate(uuid.uuid4(), profile()), Candidate(uuid.uuid4(), profile())
    assert await pool.run(register_candidate, mentor, POLICY) == []
    [match] = await pool.run(register_candidate, first, POLICY)
    assert await pool.run(register_candidate, second, POLICY) == []  # the one place is taken
    if how == "declined":
        await pool.run(decline_match, match.match_id, first.participant_id, None)
    elif how == "expired":
        await pool.run(expire_proposals, PROGRAM, at=datetime.now(UTC) + timedelta(days=8))
    else:
        for pid in match.participants:
            await pool.run(accept_match, match.match_id, pid)
        outcome = "completed" if how.endswith("completed") else "ended_early"
        await pool.run(end_match, match.match_id, first.participant_id, outcome, None, POLICY)
    [offered] = await pool.matches("proposed")
    assert set(offered.participants) == {mentor.participant_id, second.participant_id}
    assert await pool.waiting_pairs() == []


def cohort(rng: random.Random, mentors: int, mentees_per_mentor: int) -> list[Candidate]:
    """As measured in the issue: one mentor with two places per three mentees, all of whom fit."""
    people = [
        Candidate(uuid.uuid4(), profile(topics=[{"topic": "Calculus II", "role": "mentor"}], mentor_capacity=2))
        for _ in range(mentors)
    ]
    people += [Candidate(uuid.uuid4(), profile()) for _ in range(mentors * mentees_per_mentor)]
    rng.shuffle(people)
    return people


@pytest.mark.parametrize(
    "order", ["as they came", "reversed", "shuffled", "eight at once", "two replicas", "runs of five on two replicas"]
)
async def test_the_same_joins_in_any_order_fill_every_place(endpoints, database_factory, order) -> None:
    rng = random.Random(13)
    people = cohort(rng, mentors=8, mentees_per_mentor=3)
    people = {"reversed": people[::-1], "shuffled": rng.sample(people, len(people))}.get(order, people)
    url = await database_factory()
    async with (
        running(DEFINITION, endpoints.kafka_bootstrap, url) as first,
        running(DEFINITION, endpoints.kafka_bootstrap, url) as second,
    ):
        replicas = [Pool(first[0]), Pool(second[0])] if order == "two replicas" else [Pool(first[0])]

        async def join(index: int, person: Candidate) -> None:
            await replicas[index % len(replicas)].run(register_candidate, person, POLICY)

        if order.startswith("runs"):  # as two consumers hand over their batches' runs, side by side
            runs = [people[start : start + 5] for start in range(0, len(people), 5)]

            async def run_of(index: int, run: list[Candidate]) -> None:
                await replicas[index % 2].run(
                    register_candidates, [(person, Cause(institution=INSTITUTION)) for person in run], POLICY
                )

            replicas = [Pool(first[0]), Pool(second[0])]
            await asyncio.gather(*(run_of(i, run) for i, run in enumerate(runs)))
        elif order in ("eight at once", "two replicas"):
            gate = asyncio.Semaphore(8)

            async def gated(index: int, person: Candidate) -> None:
                async with gate:
                    await join(index, person)

            await asyncio.gather(*(gated(i, p) for i, p in enumerate(people)))
        else:
            for i, person in enumerate(people):
                await join(i, person)
        pool = replicas[0]
        assert len(await pool.matches("proposed")) == 16  # 8 mentors x 2 places, 24 mentees waiting for them
        assert await pool.waiting_pairs() == []
        used = await pool.tenant.fetchval("SELECT sum(used) FROM candidates")
        assert used == 32  # both sides of 16 proposals; capacity never exceeded (checked by the database)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
async def test_random_interleavings_always_agree_with_a_full_recompute(matching, seed) -> None:
    rng = random.Random(seed)
    pool = Pool(matching[0])
    people: list[Candidate] = []
    steps = {"join": 0, "update": 0, "leave": 0, "accept": 0, "decline": 0, "end": 0, "expire": 0}
    for _ in range(90):
        step = rng.choices(list(steps), weights=[10, 2, 1, 2, 2, 1, 1])[0]
        proposed, accepted = await pool.matches("proposed"), await pool.matches("accepted")
        if step == "join" or not people:
            newcomer = Candidate(uuid.uuid4(), random_profile(rng))
            expected = await pool.full_recompute(newcomer)
            made = await pool.run(register_candidate, newcomer, POLICY)
            assert [m.partner_of(newcomer.participant_id) for m in made] == expected, (seed, steps)
            people.append(newcomer)
            step = "join"
        elif step == "update":
            person = rng.choice(people)
            changed = Candidate(person.participant_id, random_profile(rng))
            await pool.run(follow_profile_update, changed, POLICY)
        elif step == "leave":
            person = people.pop(rng.randrange(len(people)))
            left = ParticipantLeft(participant_id=person.participant_id, program_id=PROGRAM, left_at=datetime.now(UTC))
            await pool.run(withdraw_participant, left, POLICY)
        elif step in ("accept", "decline", "expire") and proposed:
            match = rng.choice(proposed)
            if step == "accept":
                for pid in match.participants:
                    await pool.run(accept_match, match.match_id, pid)
            elif step == "decline":
                await pool.run(decline_match, match.match_id, rng.choice(match.participants), None)
            else:
                await pool.tenant.execute(
                    "UPDATE matches SET expires_at = now() - interval '1 second' WHERE match_id = $1", match.match_id
                )
                assert await pool.run(expire_proposals, PROGRAM) == 1
        elif step == "end" and accepted:
            match = rng.choice(accepted)
            await pool.run(
                end_match, match.match_id, match.participants[0], rng.choice(["completed", "ended_early"]), None, POLICY
            )
        else:
            continue
        steps[step] += 1
        assert await pool.waiting_pairs() == [], (seed, steps)
    assert steps["join"] >= 30 and sum(steps.values()) - steps["join"] >= 15  # the interleaving did interleave
    assert len(await pool.matches("proposed")) + len(await pool.matches("accepted")) > 0


async def test_a_round_takes_all_its_places_at_once_or_none(matching) -> None:
    pool = Pool(matching[0])
    mentor = Candidate(uuid.uuid4(), profile(topics=[{"topic": "Calculus II", "role": "mentor"}], mentor_capacity=2))
    mentee = Candidate(uuid.uuid4(), profile(topics=[{"topic": "Physics", "role": "mentee"}]))  # fits nobody
    for person in (mentor, mentee):
        await pool.run(register_candidate, person, POLICY)

    async def take(uow, places):
        return await uow.candidates.reserve_all(places)

    assert not await pool.run(take, {mentor.participant_id: 1, mentee.participant_id: 2})  # the mentee has one place
    used = {r["participant_id"]: r["used"] for r in await pool.tenant.fetch("SELECT participant_id, used FROM candidates")}
    assert used == {mentor.participant_id: 0, mentee.participant_id: 0}  # nothing taken, not even the mentor's
    assert await pool.run(take, {mentor.participant_id: 2, mentee.participant_id: 1})
    assert await pool.tenant.fetchval("SELECT sum(used) FROM candidates") == 3
    assert await pool.tenant.fetchval("SELECT count(*) FROM open_slots") == 0  # nobody has room: nothing to look up


async def test_partners_are_read_with_their_stored_profile_after_an_update_and_an_erasure(matching) -> None:
    """Profiles a join has decoded are kept by version: an update or an erasure is read at once, and
    the erased profile is not kept in memory."""
    app, _ = matching
    database = app.state.components.database
    mentor = Candidate(uuid.uuid4(), profile(topics=[{"topic": "Physics", "role": "mentor"}], mentor_capacity=2, goals=["pass"]))
    mentee = Candidate(uuid.uuid4(), profile(topics=[{"topic": "Physics", "role": "mentee"}]))

    async def partner_seen() -> MatchingProfile:
        async with database.transaction(INSTITUTION) as transaction:
            [partner] = await PostgresCandidates(transaction.connection).open_partners(mentee)
            return partner.profile

    async with database.transaction(INSTITUTION) as transaction:
        await PostgresCandidates(transaction.connection).add(mentor)
    assert (await partner_seen()).goals == ["pass"]
    assert (await partner_seen()).goals == ["pass"]  # from memory now
    updated = mentor.profile.model_copy(update={"goals": ["publish"]})
    async with database.transaction(INSTITUTION) as transaction:
        await PostgresCandidates(transaction.connection).update_profile(Candidate(mentor.participant_id, updated))
    assert (await partner_seen()).goals == ["publish"]
    version = await in_tenant(database).fetchval(
        "SELECT profile_version FROM candidates WHERE participant_id = $1", mentor.participant_id
    )
    assert DECODED.get(mentor.participant_id, version) is not None
    async with database.transaction(INSTITUTION) as transaction:
        assert await PostgresCandidates(transaction.connection).anonymise(mentor.participant_id)
    assert DECODED.get(mentor.participant_id, version) is None
    erased = await partner_seen()
    assert erased.display_name == "Erased participant" and erased.goals == []
