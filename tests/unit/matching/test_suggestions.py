"""M10: a participant's suggestions come from the compiled kernel (past a small pool) and are kept
per (participant, profile version, pool digest): the same partners, scores and order as the
pure-Python ranking, without reading or ranking the pool for every call."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesh_matching.application import self_selection
from mesh_matching.application.self_selection import best_suggestions, suggest_partners
from mesh_matching.application.suggestions_cache import SUGGESTIONS, SuggestionsCache
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.proposal import LARGE_BLOCK, rank_partners
from mesh_matching.domain.scoring import MatchingPolicy
from tests.support.factories import mentor_profile, profile
from tests.unit.matching.strategies import candidates

WEEK = datetime(2026, 3, 23, tzinfo=UTC)
NOW = datetime(2026, 3, 25, 12, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(candidates(), st.lists(candidates(), min_size=LARGE_BLOCK + 1, max_size=LARGE_BLOCK + 60), st.integers(1, 20))
def test_m10_suggestions_through_the_kernel_equal_the_pure_python_ranking(me, pool, limit) -> None:
    exact = [(p.partner.participant_id, p.pair) for p in rank_partners(me, pool, MatchingPolicy(), WEEK)[:limit]]
    assert [(p.partner.participant_id, p.pair) for p in best_suggestions(me, pool, MatchingPolicy(), WEEK, limit)] == exact


def test_m10_a_large_pool_of_ties_is_suggested_in_join_order() -> None:
    mentors = [Candidate(uuid.uuid4(), mentor_profile(program_id="p", mentor_capacity=3)) for _ in range(200)]
    mentee = Candidate(uuid.uuid4(), profile(program_id="p"))
    assert [p.partner for p in best_suggestions(mentee, mentors, MatchingPolicy(), WEEK, 20)] == mentors[:20]


def versioned(candidate: Candidate) -> Candidate:
    return replace(candidate, version=uuid.uuid4())


class Store:
    """Just what suggest_partners reads, as the store gives it: candidates with their versions."""

    def __init__(self, me: Candidate, pool: list[Candidate]) -> None:
        self.me, self.pool = me, pool
        self.candidates = SimpleNamespace(
            get=self._get, room=self._room, open_partners=self._open, open_partners_digest=self._digest
        )
        self.pool_reads = 0
        self.policies = SimpleNamespace(current=self._policy)
        self.matches = SimpleNamespace(excluded_partners=self._excluded)
        self.clock = SimpleNamespace(now=lambda: NOW)

    async def _get(self, participant_id):
        return self.me if participant_id == self.me.participant_id else None

    async def _room(self, participant_id) -> int:
        return 1

    async def _open(self, candidate):
        self.pool_reads += 1
        return list(self.pool)

    async def _digest(self, candidate, campuses):  # as the database gives it: partners and versions, in order
        return ",".join(f"{c.participant_id}{c.version}" for c in self.pool if campuses is None or c.profile.campus in campuses)

    async def _policy(self, program_id):
        return 3, MatchingPolicy()

    async def _excluded(self, participant_id):
        return set()


@pytest.fixture
def rankings(monkeypatch):
    SUGGESTIONS.clear()
    calls = []

    def counted(*args):
        calls.append(args)
        return best_suggestions(*args)

    monkeypatch.setattr(self_selection, "best_suggestions", counted)
    yield calls
    SUGGESTIONS.clear()


async def test_m10_asking_again_with_nothing_changed_ranks_nobody_again(rankings) -> None:
    me = versioned(Candidate(uuid.uuid4(), profile(program_id="p")))
    store = Store(me, [versioned(Candidate(uuid.uuid4(), mentor_profile(program_id="p"))) for _ in range(100)])
    first = await suggest_partners(store, me.participant_id, 5)
    assert await suggest_partners(store, me.participant_id, 5) == first
    assert len(rankings) == 1 and store.pool_reads == 1  # asked again: the pool is neither read nor ranked
    store.pool[7] = versioned(store.pool[7])  # a partner's profile changed
    await suggest_partners(store, me.participant_id, 5)
    store.me = versioned(me)  # the asker's own
    await suggest_partners(store, me.participant_id, 5)
    store.pool.pop()  # someone's places filled
    await suggest_partners(store, me.participant_id, 5)
    await suggest_partners(store, me.participant_id, 6)  # another limit
    assert len(rankings) == 5


def test_m10_kept_suggestions_age_out_and_are_bounded() -> None:
    clock = SimpleNamespace(now=0.0)
    cache = SuggestionsCache(3, max_age=60, now=lambda: clock.now)
    for key in range(5):
        cache.keep(key, key)
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) == 4
    clock.now = 61
    assert cache.get(4) is None and len(cache) == 0
