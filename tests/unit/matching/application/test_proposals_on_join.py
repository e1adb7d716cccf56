"""A join proposes the newcomer's best partners with room, as many as their places; kept after every
join, no two people with room who fit each other wait unproposed, and nobody holds more than their places."""

import asyncio
import uuid
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring_contracts import MatchProposed
from mesh_matching.application.register_candidate import register_candidate, register_candidates
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import PROPOSAL_LIFETIME
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week, score_pair
from tests.support.factories import mentor_profile, profile
from tests.support.fakes.matching import FakeMatchingUnitOfWork
from tests.unit.matching.strategies import candidates


async def join(uow: FakeMatchingUnitOfWork, given) -> Candidate:
    newcomer = Candidate(uuid.uuid4(), given)
    await register_candidate(uow, newcomer)
    return newcomer


async def test_a_mentee_who_joins_is_proposed_to_the_waiting_mentor_and_both_places_are_taken(uow) -> None:
    mentor = await join(uow, mentor_profile(mentor_capacity=1))
    assert uow.emitted == []  # nobody to propose to yet: the mentor waits
    mentee = await join(uow, profile())
    [proposed] = uow.of_type(MatchProposed)
    assert {p.participant_id for p in proposed.participants} == {mentor.participant_id, mentee.participant_id}
    assert proposed.proposed_at == uow.clock.now() and proposed.expires_at == uow.clock.now() + PROPOSAL_LIFETIME
    assert await uow.candidates.room(mentor.participant_id) == 0 and await uow.candidates.room(mentee.participant_id) == 0
    assert await uow.matches.pair_excluded(mentor.participant_id, mentee.participant_id)  # never proposed twice
    assert uow.locked == ["first-year-stem", "first-year-stem"]


async def test_a_mentor_with_three_places_who_joins_last_is_proposed_three_waiting_mentees(uow) -> None:
    mentees = [await join(uow, profile()) for _ in range(4)]
    mentor = await join(uow, mentor_profile(mentor_capacity=3))
    proposed = uow.of_type(MatchProposed)
    assert len(proposed) == 3  # as many as the mentor's places; the fourth mentee waits
    assert {p.participant_id for event in proposed for p in event.participants} == {
        mentor.participant_id,
        *(m.participant_id for m in mentees[:3]),  # in join order: ties go to who waited longest
    }


async def test_a_join_heard_twice_proposes_nothing_more(uow) -> None:
    await join(uow, mentor_profile(mentor_capacity=2))
    mentee = Candidate(uuid.uuid4(), profile())
    assert len(await register_candidate(uow, mentee)) == 1
    assert await register_candidate(uow, mentee) == []
    assert len(uow.of_type(MatchProposed)) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(candidates(), min_size=2, max_size=14))
def test_after_every_join_no_two_people_with_room_who_fit_wait_unproposed_and_no_place_is_overbooked(people) -> None:
    async def run() -> None:
        uow = FakeMatchingUnitOfWork()
        week, policy = reference_week(uow.clock.now()), MatchingPolicy()
        joined: list[Candidate] = []
        for person in people:
            await register_candidate(uow, person)
            joined.append(person)
            rows = uow.candidates.rows
            held: dict[uuid.UUID, int] = {}
            for match in uow.matches.all():
                for pid in match.participants:
                    held[pid] = held.get(pid, 0) + 1
            for p in joined:
                assert rows[p.participant_id].used == held.get(p.participant_id, 0) <= rows[p.participant_id].capacity
            for a, b in combinations(joined, 2):  # the brute-force recompute: every pair, from scratch
                fits = isinstance(score_pair(a, b, policy, week), PairScore)
                both_have_room = rows[a.participant_id].room > 0 and rows[b.participant_id].room > 0
                excluded = await uow.matches.pair_excluded(a.participant_id, b.participant_id)
                assert not (fits and both_have_room and not excluded), (a, b)

    asyncio.run(run())


def _proposals(uow: FakeMatchingUnitOfWork) -> list[tuple]:
    """What was proposed, in order, as anyone reading the events sees it (ids aside)."""
    return [
        (tuple((p.participant_id, p.role) for p in e.participants), e.topic_name, e.kind, e.score, tuple(e.score_parts))
        for e in uow.of_type(MatchProposed)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(candidates(), min_size=1, max_size=16), st.integers(min_value=0, max_value=16), st.booleans())
def test_a_run_of_joins_proposes_exactly_what_the_joins_one_by_one_would(people, waiting, repeat) -> None:
    """The consumer hands a batch's joins over as one run: the same proposals, in the same order, the
    same places left, whoever was waiting before it (and a join heard twice in the run counts once)."""

    async def run() -> None:
        before, run_of = people[:waiting], people[waiting:] + (people[waiting:][:1] if repeat else [])
        one_by_one, at_once = FakeMatchingUnitOfWork(), FakeMatchingUnitOfWork()
        for uow in (one_by_one, at_once):
            for person in before:
                await register_candidate(uow, person)
        waiting_before = len(at_once.emitted)
        for person in run_of:
            await register_candidate(one_by_one, person)
        made = await register_candidates(at_once, [(person, one_by_one.cause) for person in run_of])
        assert _proposals(at_once) == _proposals(one_by_one)
        assert [m.match_id for m in made] == [e.match_id for e in at_once.of_type(MatchProposed)][waiting_before:]
        rooms = lambda uow: {pid: row.room for pid, row in uow.candidates.rows.items()}
        assert rooms(at_once) == rooms(one_by_one)
        assert at_once.matches.excluded == one_by_one.matches.excluded

    asyncio.run(run())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    st.lists(candidates(roles=("mentee", "peer")), min_size=60, max_size=90),
    st.lists(candidates(roles=("mentor", "peer")), min_size=3, max_size=12),
)
def test_a_run_into_a_large_pool_ranks_on_arrays_built_once_and_proposes_what_one_by_one_would(waiting, run_of) -> None:
    """Past ``LARGE_BLOCK`` partners the kernel ranks them; a run builds its arrays once for the whole
    pool and its newcomers, and still proposes exactly what each join alone (its own arrays) would."""

    async def run() -> None:
        one_by_one, at_once = FakeMatchingUnitOfWork(), FakeMatchingUnitOfWork()
        for uow in (one_by_one, at_once):
            for person in waiting:
                await register_candidate(uow, person)
        for person in run_of:
            await register_candidate(one_by_one, person)
        await register_candidates(at_once, [(person, one_by_one.cause) for person in run_of])
        assert _proposals(at_once) == _proposals(one_by_one)

    asyncio.run(run())
