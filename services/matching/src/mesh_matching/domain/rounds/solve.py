"""Optimal rounds over a pair graph.

Mentor-mentee: a min-cost flow (OR-Tools) from mentees through eligible edges to mentors whose
arcs to the sink carry their capacity: exact, in integers (scores are multiples of 1e-4).
Peer: a maximum-weight matching as an integer programme (HiGHS through SciPy): exact where it
finishes within the time limit, and always reported with the LP bound it is measured against.
Objective "score" maximises the total score; "coverage" matches as many people as possible first
and maximises the score among those matchings.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from mesh_matching.domain.rounds.graph import PairGraph

Objective = Literal["score", "coverage"]
SCALE = 10_000  # scores carry four decimals
COVERAGE_BONUS = 100 * SCALE  # worth more than any score: one more person matched always wins


@dataclass(frozen=True)
class RoundResult:
    pairs: list[tuple[int, int, float]]  # (row, col, score)
    total_score: float
    upper_bound: float  # no round over the same pool can score more
    optimal: bool  # proven optimal over the candidate graph


def solve_mentor_mentee(graph: PairGraph, capacity: np.ndarray, objective: Objective = "score") -> RoundResult:
    """``capacity`` per candidate index: places left for a mentor; a mentee takes one."""
    if not len(graph):
        return RoundResult([], 0.0, 0.0, True)
    mentees, mentee_node = np.unique(graph.rows, return_inverse=True)
    mentors, mentor_node = np.unique(graph.cols, return_inverse=True)
    source, sink = 0, 1
    first_mentee, first_mentor = 2, 2 + len(mentees)
    flow = min_cost_flow.SimpleMinCostFlow()
    bonus = COVERAGE_BONUS if objective == "coverage" else 0
    costs = -(np.rint(graph.scores * SCALE).astype(np.int64) + bonus)
    edge_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        first_mentee + mentee_node, first_mentor + mentor_node, np.ones(len(graph), dtype=np.int64), costs)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(len(mentees), source), first_mentee + np.arange(len(mentees)),
        np.ones(len(mentees), dtype=np.int64), np.zeros(len(mentees), dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(  # staying unmatched costs nothing
        first_mentee + np.arange(len(mentees)), np.full(len(mentees), sink),
        np.ones(len(mentees), dtype=np.int64), np.zeros(len(mentees), dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(
        first_mentor + np.arange(len(mentors)), np.full(len(mentors), sink),
        capacity[mentors].astype(np.int64), np.zeros(len(mentors), dtype=np.int64))
    flow.set_node_supply(source, len(mentees))
    flow.set_node_supply(sink, -len(mentees))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    used = flow.flows(edge_arcs) > 0
    pairs = list(zip(graph.rows[used].tolist(), graph.cols[used].tolist(), graph.scores[used].tolist(), strict=True))
    total = round(float(graph.scores[used].sum()), 4)
    # Exact on the graph. Over all pairs, no mentee can bring more than their best partner (always in
    # the graph: k >= 1), which bounds what a denser graph could add.
    best_per_mentee = np.full(len(mentees), 0.0)
    np.maximum.at(best_per_mentee, mentee_node, graph.scores)
    return RoundResult(pairs, total, round(float(best_per_mentee.sum()), 4), True)


def solve_peer(graph: PairGraph, n: int, objective: Objective = "score", exact_up_to: int = 2_000,
               time_limit: float = 60.0) -> RoundResult:
    """Maximum-weight matching on the graph's undirected edges among ``n`` candidates.

    Up to ``exact_up_to`` people: the integer programme, proven optimal. Beyond: the LP relaxation
    (whose vertices are half-integral for matchings), its integral edges kept and the rest filled
    greedily by weight; the LP optimum is the bound the result is measured against."""
    if not len(graph):
        return RoundResult([], 0.0, 0.0, True)
    bonus = COVERAGE_BONUS / SCALE if objective == "coverage" else 0.0
    weights = graph.scores + bonus
    edges = np.arange(len(graph))
    incidence = coo_matrix(
        (np.ones(2 * len(graph)), (np.concatenate([graph.rows, graph.cols]), np.concatenate([edges, edges]))),
        shape=(n, len(graph)),
    ).tocsr()
    constraint = LinearConstraint(incidence, 0, 1)
    relaxed = milp(-weights, constraints=constraint, bounds=Bounds(0, 1))
    if not relaxed.success:
        raise RuntimeError(f"peer matching LP failed: {relaxed.message}")
    optimal = False
    chosen = None
    if n <= exact_up_to:
        exact = milp(-weights, constraints=constraint, bounds=Bounds(0, 1), integrality=np.ones(len(graph)),
                     options={"time_limit": time_limit})
        if exact.x is not None:
            chosen, optimal = exact.x > 0.5, exact.status == 0
    if chosen is None:
        chosen = _round(graph, weights, relaxed.x, n)
    pairs = list(zip(graph.rows[chosen].tolist(), graph.cols[chosen].tolist(), graph.scores[chosen].tolist(), strict=True))
    total = round(float(graph.scores[chosen].sum()), 4)
    bound = -relaxed.fun - bonus * chosen.sum()
    return RoundResult(pairs, total, round(max(bound, total), 4), optimal)


def _round(graph: PairGraph, weights: np.ndarray, fractional: np.ndarray, n: int) -> np.ndarray:
    """Integral LP edges first, then half edges, then the rest, each by weight, keeping it a matching."""
    order = np.lexsort((-weights, -np.round(fractional, 6)))
    taken = np.zeros(n, dtype=bool)
    chosen = np.zeros(len(graph), dtype=bool)
    for edge in order:
        a, b = graph.rows[edge], graph.cols[edge]
        if not taken[a] and not taken[b]:
            taken[a] = taken[b] = True
            chosen[edge] = True
    return chosen
