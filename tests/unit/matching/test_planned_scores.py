"""A round's pairs carry score_pair's parts, score and reasons, read from the round's own features and
the pool's columns (no profile re-scored per pair)."""

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mesh_matching.domain.rounds.features import build
from mesh_matching.domain.rounds.modes import places_in_round
from mesh_matching.domain.rounds.plan import plan_round
from mesh_matching.domain.rounds.planned_scores import planned_scores, scores_at
from mesh_matching.domain.rounds.pool import RoundPool
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, score_pair
from tests.unit.matching.strategies import candidates, policies

WEEK = datetime(2026, 3, 23, tzinfo=UTC)  # the week Europe changes to summer time


@settings(max_examples=150, deadline=None)
@given(st.lists(candidates(), min_size=2, max_size=10), policies())
def test_every_eligible_pairs_parts_score_and_reasons_equal_score_pairs(pool, policy) -> None:
    features = build(RoundPool.of(pool), WEEK)
    expected = {(i, j): score_pair(a, b, policy, WEEK) for i, a in enumerate(pool) for j, b in enumerate(pool)}
    eligible = [at for at, pair in expected.items() if isinstance(pair, PairScore)]
    assert scores_at(features, eligible, policy) == [expected[at] for at in eligible]


@settings(max_examples=60, deadline=None)
@given(st.lists(candidates(), min_size=2, max_size=14), policies(), st.sampled_from(["mentor_mentee", "peer"]))
def test_a_planned_rounds_pairs_score_as_score_pair_scores_them(pool, policy, mode) -> None:
    places = [places_in_round(candidate, candidate.capacity, mode) for candidate in pool]
    plan = plan_round(pool, places, set(), mode, "score", policy, WEEK)
    scored = planned_scores(plan, policy)
    assert scored == [score_pair(pair.first, pair.second, policy, WEEK) for pair in plan.pairs]  # type: ignore[arg-type]
    assert [pair.score for pair in scored] == [pair.score for pair in plan.pairs]


@settings(max_examples=30, deadline=None)
@given(st.lists(candidates(), min_size=2, max_size=30), st.sampled_from(["mentor_mentee", "peer"]))
def test_a_pool_of_columns_plans_as_its_candidates_do(pool, mode) -> None:
    """As the store reads a round's pool: columns only, the planned pairs naming ids and programs."""
    places = [places_in_round(candidate, candidate.capacity, mode) for candidate in pool]
    columns = replace(RoundPool.of(pool), candidates=None)
    of_candidates = plan_round(pool, places, set(), mode, "score", MatchingPolicy(), WEEK)
    of_columns = plan_round(columns, places, set(), mode, "score", MatchingPolicy(), WEEK)
    assert [(p.first.participant_id, p.first.program_id, p.second.participant_id, p.score) for p in of_columns.pairs] == [
        (p.first.participant_id, p.first.program_id, p.second.participant_id, p.score) for p in of_candidates.pairs
    ]
    assert (of_columns.unmatched, of_columns.upper_bound) == (of_candidates.unmatched, of_candidates.upper_bound)
    assert planned_scores(of_columns, MatchingPolicy()) == planned_scores(of_candidates, MatchingPolicy())
