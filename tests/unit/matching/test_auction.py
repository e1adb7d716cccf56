"""The auction behind mentor-mentee rounds, against scipy's exact assignment on random graphs:
ties, zero weights, mentors without places and popular mentors included."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mesh_matching.domain.rounds.auction import assign
from mesh_matching.domain.rounds.graph import PairGraph
from mesh_matching.domain.rounds.solve import MARGIN, solve_mentor_mentee


@st.composite
def assignment_problems(draw):
    mentees, mentors = draw(st.integers(1, 12)), draw(st.integers(1, 8))
    pairs = draw(st.sets(st.tuples(st.integers(0, mentees - 1), st.integers(0, mentors - 1)), min_size=1))
    top = draw(st.sampled_from([1, 3, 10_000, 1_010_000]))  # few distinct values make ties; the last, coverage bonuses
    weights = draw(st.lists(st.integers(0, top), min_size=len(pairs), max_size=len(pairs)))
    capacity = draw(st.lists(st.integers(0, 3), min_size=mentors, max_size=mentors))
    rows, cols = (np.array(side, dtype=np.int64) for side in zip(*sorted(pairs), strict=True))
    return mentees, rows, cols, np.array(weights, dtype=np.int64), np.array(capacity, dtype=np.int64)


def exact_total(mentees: int, rows, cols, weights, capacity) -> int:
    """Dense reference: one column per place, plus one 'unmatched' column per mentee worth 0."""
    places = np.repeat(np.arange(len(capacity)), capacity)
    profit = np.zeros((mentees, len(places) + mentees), dtype=np.int64)
    for r, c, w in zip(rows, cols, weights, strict=True):
        profit[r, np.flatnonzero(places == c)] = w
    r, c = linear_sum_assignment(profit, maximize=True)
    return int(profit[r, c].sum())


@settings(max_examples=300, deadline=None)
@given(assignment_problems())
def test_the_auction_finds_a_maximum_weight_assignment_within_capacities(problem) -> None:
    mentees, rows, cols, weights, capacity = problem
    start = np.searchsorted(rows, np.arange(mentees + 1))
    chosen = assign(start, cols, weights, capacity)
    taken = chosen[chosen >= 0]
    for mentee, edge in enumerate(chosen):  # a mentee's choice is one of their own edges
        assert edge < 0 or start[mentee] <= edge < start[mentee + 1]
    assert (np.bincount(cols[taken], minlength=len(capacity)) <= capacity).all()
    assert int(weights[taken].sum()) == exact_total(mentees, rows, cols, weights, capacity)


@settings(max_examples=200, deadline=None)
@given(assignment_problems().filter(lambda problem: problem[3].max() <= 10_000))
def test_a_rounds_dual_prices_certify_it(problem) -> None:
    """Mentee values and mentor prices: never negative, no edge worth more than its mentee's value
    plus its mentor's price, and they add up to the round's total (so it is optimal)."""
    mentees, rows, cols, weights, capacity = problem
    graph = PairGraph(rows, mentees + cols, weights / 10_000)  # candidates: mentees first, then mentors
    result = solve_mentor_mentee(graph, np.r_[np.zeros(mentees, dtype=np.int64), capacity])
    values, prices = result.duals.floors - MARGIN, result.duals.prices
    assert (values >= -1e-9).all() and (prices >= 0).all()
    for mentee, mentor, score in zip(graph.rows, graph.cols, graph.scores, strict=True):
        if capacity[mentor - mentees] > 0:
            assert score <= values[mentee] + prices[mentor] + 1e-9
    assert abs(result.duals.bound - result.total_score) <= 1e-6
    assert abs(result.total_score - exact_total(mentees, rows, cols, weights, capacity) / 10_000) <= 1e-6
