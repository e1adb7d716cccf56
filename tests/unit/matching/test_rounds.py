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
from mesh_matching.domain.rounds.graph import candidate_graph
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
    graph = candidate_graph(features, "mentor_mentee", POLICY, k=len(pool))  # small: every eligible edge
    capacity = mentor_capacity(pool)
    result = solve_mentor_mentee(graph, capacity)
    mentees = Counter(m for m, _, _ in result.pairs)
    mentors = Counter(m for _, m, _ in result.pairs)
    assert all(count == 1 for count in mentees.values())
    assert all(count <= capacity[m] for m, count in mentors.items())
    for mentee, mentor, score in result.pairs:  # every hard rule holds: score_pair agrees it is eligible
        expected = score_pair(pool[mentee], pool[mentor], POLICY, WEEK)
        assert isinstance(expected, PairScore) and abs(expected.score - score) <= 1e-4
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
    graph = candidate_graph(features, "peer", POLICY, k=len(pool))
    result = solve_peer(graph, len(pool))
    people = Counter(p for a, b, _ in result.pairs for p in (a, b))
    assert all(count == 1 for count in people.values())
    for a, b, score in result.pairs:
        expected = score_pair(pool[a], pool[b], POLICY, WEEK)
        assert isinstance(expected, PairScore) and abs(expected.score - score) <= 1e-4
    reference = nx.Graph()
    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            expected = score_pair(pool[i], pool[j], POLICY, WEEK)
            if isinstance(expected, PairScore):
                reference.add_edge(i, j, weight=expected.score)
    best = nx.max_weight_matching(reference)
    assert result.optimal
    assert abs(result.total_score - sum(reference[a][b]["weight"] for a, b in best)) <= 1e-6


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("mentor", "mentee")), min_size=2, max_size=14))
def test_coverage_first_matches_at_least_as_many_as_score_first(pool) -> None:
    features = build(pool, WEEK)
    graph = candidate_graph(features, "mentor_mentee", POLICY, k=len(pool))
    capacity = mentor_capacity(pool)
    by_score, by_coverage = solve_mentor_mentee(graph, capacity), solve_mentor_mentee(graph, capacity, "coverage")
    assert len(by_coverage.pairs) >= len(by_score.pairs)
    assert by_coverage.total_score <= by_score.total_score + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(candidates(roles=("peer",)), min_size=2, max_size=24))
def test_large_pool_peer_rounding_is_a_valid_matching_within_its_bound(pool) -> None:
    features = build(pool, WEEK)
    graph = candidate_graph(features, "peer", POLICY, k=len(pool))
    rounded = solve_peer(graph, len(pool), exact_up_to=0)  # force the path used for large pools
    exact = solve_peer(graph, len(pool))
    people = Counter(p for a, b, _ in rounded.pairs for p in (a, b))
    assert all(count == 1 for count in people.values())
    assert rounded.total_score <= exact.total_score + 1e-9 <= rounded.upper_bound + 1e-6
    assert rounded.total_score >= exact.total_score / 2 - 1e-9  # never worse than greedy's guarantee
