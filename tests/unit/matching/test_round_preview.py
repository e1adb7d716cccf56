"""A round preview's rules: the examples a coordinator is shown, the pool's digest, when a preview is
stale, and a round told as it goes giving the same plan as one that is not."""

import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mesh_matching.domain.round_preview import PoolMember, example_pairs, pool_digest, stale_because
from mesh_matching.domain.rounds.plan import plan_round
from mesh_matching.domain.scoring import MatchingPolicy
from tests.unit.matching.strategies import candidates

WEEK = datetime(2026, 1, 5, tzinfo=UTC)


def test_a_large_round_shows_its_five_best_five_median_and_five_lowest_pairs() -> None:
    scores = [i / 100 for i in range(100)]  # pair i scores i/100: the best is the last
    shown = example_pairs(scores)
    assert [index for index, rank in shown if rank == "best"] == [99, 98, 97, 96, 95]
    assert [index for index, rank in shown if rank == "median"] == [52, 51, 50, 49, 48]
    assert [index for index, rank in shown if rank == "lowest"] == [4, 3, 2, 1, 0]


@given(st.lists(st.sampled_from([0.1, 0.5, 0.5, 0.9]), max_size=30))
def test_every_pair_is_shown_at_most_once_and_a_small_round_shows_all(scores) -> None:
    shown = [index for index, _ in example_pairs(scores)]
    assert len(shown) == len(set(shown)) == min(len(scores), 15)
    assert [scores[i] for i, rank in example_pairs(scores) if rank == "best"] == sorted(scores, reverse=True)[:5]


def test_the_digest_changes_with_anyones_profile_room_or_place_in_the_pool() -> None:
    a, b = PoolMember(uuid.uuid4(), uuid.uuid4(), 1), PoolMember(uuid.uuid4(), uuid.uuid4(), 2)
    digest = pool_digest([a, b])
    assert digest == pool_digest([a, b]) and len(digest) == 32
    for changed in (
        [a],
        [b, a],
        [a, PoolMember(b.participant_id, uuid.uuid4(), 2)],
        [a, PoolMember(b.participant_id, b.version, 1)],
    ):
        assert pool_digest(changed) != digest
    assert pool_digest([]) == "d41d8cd98f00b204e9800998ecf8427e"  # PostgreSQL's md5('') for an empty pool


def test_a_preview_is_stale_once_the_pool_or_the_current_policy_changed() -> None:
    same = {"version_then": 2, "version_now": 2, "digest_then": "d", "digest_now": "d"}
    assert stale_because(candidate=False, **same) is None
    assert "policy changed" in stale_because(candidate=False, **same | {"version_now": 3})
    assert "pool changed" in stale_because(candidate=False, **same | {"digest_now": "e"})
    assert stale_because(candidate=True, **same | {"version_now": 3}) is None  # a candidate is compared with the pool only
    assert "pool changed" in stale_because(candidate=True, **same | {"digest_now": "e"})


@settings(max_examples=30, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=14), st.sampled_from(["score", "coverage"]))
def test_a_round_told_as_it_goes_plans_the_same_and_its_progress_never_goes_back(pool, objective) -> None:
    places = [c.profile.mentor_capacity if any(t.role == "mentor" for t in c.profile.topics) else 1 for c in pool]
    told: list[tuple[str, int, int]] = []
    quiet = plan_round(pool, places, set(), "mentor_mentee", objective, MatchingPolicy(), WEEK)
    heard = plan_round(
        pool,
        places,
        set(),
        "mentor_mentee",
        objective,
        MatchingPolicy(),
        WEEK,
        lambda phase, done, total: told.append((phase, done, total)),
    )
    assert heard == quiet
    order = [(("scoring", "solving").index(phase), done) for phase, done, _ in told]
    assert order == sorted(order) and all(0 <= done <= total for _, done, total in told)
    assert told and told[-1][0] == "solving"
