"""Rounds on random programs: no capacity exceeded, no hard rule broken, nobody matched beyond
their capacity, and on small instances the total equals an exact reference."""

from collections import Counter
from datetime import UTC, datetime

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mesh_matching.domain.rounds.features import build
from mesh_matching.domain.rounds.graph import PairSearch, candidate_graph
from mesh_matching.domain.rounds.optimise import best_round
from mesh_matching.domain.rounds.pair_scores import score_block
from mesh_matching.domain.rounds.solve import solve_mentor_mentee, solve_peer
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, score_pair
from tests.unit.matching.strategies import candidates

WEEK = datetime(2026, 1, 5, tzinfo=UTC)
POLICY = MatchingPolicy()


def mentor_capacity(pool) -> np.ndarray:
    return np.array([c.profile.mentor_capacity for c in pool])


@settings(max_examples=80, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=14))
def test_mentor_mentee_rounds_are_valid_and_optimal(pool) -> None:
    features = build(pool, WEEK)
    graph, _ = candidate_graph(PairSearch.of(features, "mentor_mentee", POLICY), k=len(pool))  # small: every eligible edge
    capacity = mentor_capacity(pool)
    result = solve_mentor_mentee(graph, capacity)
    mentees = Counter(m for m, _, _ in result.pairs)
    mentors = Counter(m for _, m, _ in result.pairs)
    assert all(count == 1 for count in mentees.values())
    assert all(count <= capacity[m] for m, count in mentors.items())
    for mentee, mentor, score in result.pairs:  # every hard rule holds: score_pair agrees it is eligible
        expected = score_pair(pool[mentee], pool[mentor], POLICY, WEEK)
        assert isinstance(expected, PairScore) and expected.score == score
    # Exact reference: dense assignment of mentees to mentor places, unmatched allowed.
    index = np.arange(len(pool))
    dense = np.nan_to_num(score_block(features, index, index, "mentor_mentee", POLICY), nan=0.0)
    places = [m for m in index for _ in range(capacity[m])]
    profit = np.hstack([dense[:, places] if places else np.zeros((len(pool), 0)), np.zeros((len(pool), len(pool)))])
    r, c = linear_sum_assignment(profit, maximize=True)
    assert abs(result.total_score - profit[r, c].sum()) <= 1e-6


@settings(max_examples=80, deadline=None)
@given(st.lists(candidates(roles=("peer",)), min_size=2, max_size=16))
def test_peer_rounds_are_valid_and_optimal(pool) -> None:
    features = build(pool, WEEK)
    graph, _ = candidate_graph(PairSearch.of(features, "peer", POLICY), k=len(pool))
    result = solve_peer(graph, len(pool))
    people = Counter(p for a, b, _ in result.pairs for p in (a, b))
    assert all(count == 1 for count in people.values())
    for a, b, score in result.pairs:
        expected = score_pair(pool[a], pool[b], POLICY, WEEK)
        assert isinstance(expected, PairScore) and expected.score == score
    reference = nx.Graph()
    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            expected = score_pair(pool[i], pool[j], POLICY, WEEK)
            if isinstance(expected, PairScore):
                reference.add_edge(i, j, weight=round(expected.score * 10_000))  # integers: networkx is exact on them
    best = nx.max_weight_matching(reference)
    assert result.optimal
    assert round(result.total_score * 10_000) == sum(reference[a][b]["weight"] for a, b in best)


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=14))
def test_coverage_first_matches_at_least_as_many_as_score_first(pool) -> None:
    features = build(pool, WEEK)
    graph, _ = candidate_graph(PairSearch.of(features, "mentor_mentee", POLICY), k=len(pool))
    capacity = mentor_capacity(pool)
    by_score, by_coverage = solve_mentor_mentee(graph, capacity), solve_mentor_mentee(graph, capacity, "coverage")
    assert len(by_coverage.pairs) >= len(by_score.pairs)
    assert by_coverage.total_score <= by_score.total_score + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("peer",)), min_size=2, max_size=24))
def test_large_pool_peer_rounding_is_a_valid_matching_within_its_bound(pool) -> None:
    features = build(pool, WEEK)
    graph, _ = candidate_graph(PairSearch.of(features, "peer", POLICY), k=len(pool))
    rounded = solve_peer(graph, len(pool), exact_up_to=0)  # force the path used for large pools
    exact = solve_peer(graph, len(pool))
    people = Counter(p for a, b, _ in rounded.pairs for p in (a, b))
    assert all(count == 1 for count in people.values())
    assert rounded.total_score <= exact.total_score + 1e-9 <= rounded.upper_bound + 1e-6
    assert rounded.total_score >= exact.total_score / 2 - 1e-9  # never worse than greedy's guarantee


def dense_mentor_mentee_optimum(features, capacity, excluded=frozenset()) -> float:
    """Exact reference: every mentee against every mentor place, unmatched allowed."""
    n = len(capacity)
    index = np.arange(n)
    dense = np.nan_to_num(score_block(features, index, index, "mentor_mentee", POLICY), nan=0.0)
    for a, b in excluded:
        dense[a, b] = dense[b, a] = 0.0
    places = [m for m in index for _ in range(capacity[m])]
    profit = np.hstack([dense[:, places] if places else np.zeros((n, 0)), np.zeros((n, n))])
    r, c = linear_sum_assignment(profit, maximize=True)
    return float(profit[r, c].sum())


@settings(max_examples=80, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=16), st.data())
def test_a_round_from_one_partner_each_prices_its_way_to_the_pool_optimum(pool, data) -> None:
    """The graph starts with each mentee's single best mentor; the dual prices must find every
    pair that matters, whatever pairs are excluded, and prove the result optimal."""
    features = build(pool, WEEK)
    capacity = mentor_capacity(pool)
    n = len(pool)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    excluded = set(data.draw(st.lists(st.sampled_from(pairs), max_size=6))) if pairs else set()
    keys = np.array([a * n + b for a, b in excluded], dtype=np.int64)
    result, _ = best_round(PairSearch.of(features, "mentor_mentee", POLICY, excluded=keys), capacity, k=1, tolerance=0.0)
    assert not {tuple(sorted((a, b))) for a, b, _ in result.pairs} & excluded
    assert result.optimal
    expected = dense_mentor_mentee_optimum(features, capacity, excluded)
    assert abs(result.total_score - expected) <= 1e-6
    assert abs(result.upper_bound - expected) <= 1e-6


@settings(max_examples=60, deadline=None)
@given(st.lists(candidates(roles=("peer",)), min_size=2, max_size=16))
def test_a_peer_round_from_one_partner_each_is_bounded_by_the_pool_and_exact_when_proven(pool) -> None:
    features = build(pool, WEEK)
    result, _ = best_round(PairSearch.of(features, "peer", POLICY), np.ones(len(pool), dtype=np.int64), k=1, tolerance=0.0)
    index = np.arange(len(pool))
    dense = score_block(features, index, index, "peer", POLICY)
    reference = nx.Graph()
    for i, j in zip(*np.nonzero(~np.isnan(dense)), strict=True):
        reference.add_edge(int(i), int(j), weight=float(dense[i, j]))
    exact = sum(reference[a][b]["weight"] for a, b in nx.max_weight_matching(reference))
    assert result.total_score <= exact + 1e-9 <= result.upper_bound + 1e-6
    if result.optimal:
        assert abs(result.total_score - exact) <= 1e-6


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=14))
def test_coverage_first_rounds_priced_from_one_partner_each_match_as_many_as_the_full_graph(pool) -> None:
    features = build(pool, WEEK)
    capacity = mentor_capacity(pool)
    priced, _ = best_round(PairSearch.of(features, "mentor_mentee", POLICY), capacity, "coverage", k=1, tolerance=0.0)
    full = solve_mentor_mentee(
        candidate_graph(PairSearch.of(features, "mentor_mentee", POLICY), k=len(pool))[0], capacity, "coverage"
    )
    assert priced.optimal
    assert len(priced.pairs) == len(full.pairs)
    assert abs(priced.total_score - full.total_score) <= 1e-6


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=16), st.integers(1, 3))
def test_every_pair_left_out_of_the_graph_scores_no_more_than_its_rows_cap(pool, k) -> None:
    """The cap is what lets pricing pass over rows unscored: it must bound every left-out pair."""
    features = build(pool, WEEK)
    graph, caps = candidate_graph(PairSearch.of(features, "mentor_mentee", POLICY), k=k)
    index = np.arange(len(pool))
    dense = score_block(features, index, index, "mentor_mentee", POLICY)
    in_graph = set(zip(graph.rows.tolist(), graph.cols.tolist(), strict=True))
    assert all(len([1 for r in graph.rows if r == row]) <= k for row in set(graph.rows.tolist()))
    for i, j in zip(*np.nonzero(~np.isnan(dense)), strict=True):
        if (i, j) not in in_graph:
            assert dense[i, j] <= caps[i], (i, j, dense[i, j], caps[i])


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=16))
def test_an_optimal_rounds_prices_certify_it_against_every_pair_in_the_pool(pool) -> None:
    """The certificate itself: no eligible pair scores above its mentee's value plus its mentor's
    price, and values plus prices add up to the round's total (LP duality)."""
    features = build(pool, WEEK)
    capacity = mentor_capacity(pool)
    result, _ = best_round(PairSearch.of(features, "mentor_mentee", POLICY), capacity, k=1, tolerance=0.0)
    index = np.arange(len(pool))
    dense = score_block(features, index, index, "mentor_mentee", POLICY)
    floors, prices = result.duals.floors, result.duals.prices
    assert (prices >= 0).all()
    for i, j in zip(*np.nonzero(~np.isnan(dense)), strict=True):
        assert dense[i, j] - prices[j] <= floors[i] + 1e-9
    assert abs(result.duals.bound - result.total_score) <= 1e-6
