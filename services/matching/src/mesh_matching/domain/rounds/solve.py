"""Optimal rounds over a pair graph, each with the dual prices that prove (or bound) optimality.

Mentor-mentee: an assignment of mentees to mentors' places by auction (``rounds.auction``): exact,
in integers (scores are multiples of 1e-4). Its dual prices come from shortest distances in the
solution's constraint graph.
Peer: a maximum-weight matching; its LP relaxation (HiGHS) gives the bound and the prices; an
integer programme solves it exactly up to ``exact_up_to`` people, else the LP is rounded.
Objective "score" maximises the total score; "coverage" matches as many people as possible first
and maximises the score among those matchings.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

from mesh_matching.domain.rounds.auction import assign
from mesh_matching.domain.rounds.graph import PairGraph
from mesh_matching.domain.rounds.modes import Objective
from mesh_matching.domain.rounds.potentials import shortest_distances

SCALE = 10_000  # scores carry four decimals
COVERAGE_BONUS = 100 * SCALE  # worth more than any score: one more person matched always wins
MARGIN = 0.5 / SCALE  # a pair improves a round only by at least one unit of score


@dataclass(frozen=True)
class Duals:
    """Prices in score units: a pair (row i, column j) not in the graph can improve the round only
    if ``score - prices[j] > floors[i]``. ``bound``: the dual objective (for the score objective,
    an upper bound on any round over the graph)."""

    floors: np.ndarray
    prices: np.ndarray
    bound: float


@dataclass(frozen=True)
class RoundResult:
    pairs: list[tuple[int, int, float]]  # (row, col, score)
    total_score: float
    upper_bound: float  # no round over the same pool can score more
    optimal: bool  # proven optimal over the graph (``rounds.optimise`` extends this to the pool)
    duals: Duals


def solve_mentor_mentee(graph: PairGraph, capacity: np.ndarray, objective: Objective = "score") -> RoundResult:
    """``capacity`` per candidate index: places left for a mentor; a mentee takes one."""
    n = len(capacity)
    bonus = COVERAGE_BONUS if objective == "coverage" else 0
    if not len(graph):
        return RoundResult([], 0.0, 0.0, True, Duals(np.full(n, MARGIN - bonus / SCALE), np.zeros(n), 0.0))
    mentees, mentee_node = np.unique(graph.rows, return_inverse=True)
    mentors, mentor_node = np.unique(graph.cols, return_inverse=True)
    weights = np.rint(graph.scores * SCALE).astype(np.int64) + bonus
    by_mentee = np.argsort(mentee_node, kind="stable")
    mentee_start = np.searchsorted(mentee_node[by_mentee], np.arange(len(mentees) + 1))
    places = capacity[mentors].astype(np.int64)
    chosen = assign(mentee_start, mentor_node[by_mentee], weights[by_mentee], places)
    used = np.zeros(len(graph), dtype=bool)
    used[by_mentee[chosen[chosen >= 0]]] = True
    pairs = list(zip(graph.rows[used].tolist(), graph.cols[used].tolist(), graph.scores[used].tolist(), strict=True))
    total = round(float(graph.scores[used].sum()), 4)
    mentee_value, mentor_price = _optimal_duals(mentee_node, mentor_node, weights, used, places)
    floors, prices = np.full(n, MARGIN - bonus / SCALE), np.zeros(n)
    floors[mentees] = (mentee_value - bonus) / SCALE + MARGIN
    prices[mentors] = mentor_price / SCALE
    dual_bound = (mentee_value.sum() + (places * mentor_price).sum() - bonus * used.sum()) / SCALE
    bound = dual_bound if objective == "score" else _best_partner_bound(graph)
    return RoundResult(pairs, total, round(max(bound, total), 4), True, Duals(floors, prices, dual_bound))


def _optimal_duals(
    mentee_node: np.ndarray, mentor_node: np.ndarray, weights: np.ndarray, used: np.ndarray, places: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Values u (per mentee) and prices v (per mentor), both >= 0, with u + v >= weight on every
    edge, equal on chosen ones, u = 0 for the unmatched and v = 0 for mentors with places left:
    an optimal dual. As distances from a root: a = u, b = -v, each constraint one arc."""
    mentees, mentors = mentee_node.max() + 1, mentor_node.max() + 1
    root = mentees + mentors
    unmatched = np.setdiff1d(np.arange(mentees), mentee_node[used])
    spare = np.flatnonzero(np.bincount(mentor_node[used], minlength=mentors) < places)
    arcs = [
        (mentee_node, mentees + mentor_node, -weights),  # b_j <= a_i - w
        (mentees + mentor_node[used], mentee_node[used], weights[used]),  # a_i <= b_j + w on chosen edges
        (np.full(mentors, root), mentees + np.arange(mentors), 0),  # v >= 0
        (np.arange(mentees), np.full(mentees, root), 0),  # u >= 0
        (np.full(len(unmatched), root), unmatched, 0),  # u = 0 when unmatched
        (mentees + spare, np.full(len(spare), root), 0),  # v = 0 with places left
    ]
    tails = np.concatenate([np.asarray(t, dtype=np.int64) for t, _, _ in arcs])
    heads = np.concatenate([np.asarray(h, dtype=np.int64) for _, h, _ in arcs])
    lengths = np.concatenate([np.broadcast_to(np.asarray(w, dtype=np.int64), len(t)) for t, _, w in arcs])
    distance = shortest_distances(root + 1, tails, heads, lengths, root)
    return distance[:mentees], -distance[mentees:root]


def _best_partner_bound(graph: PairGraph, peers: bool = False) -> float:
    """No mentee can bring more than their best partner, no peer pair more than the mean of both
    peers' best (each person's best partner is always in the graph)."""
    people = np.concatenate([graph.rows, graph.cols]) if peers else graph.rows
    scores = np.concatenate([graph.scores, graph.scores]) if peers else graph.scores
    best = np.zeros(int(people.max()) + 1)
    np.maximum.at(best, people, scores)
    return float(best.sum()) / (2 if peers else 1)


def solve_peer(
    graph: PairGraph, n: int, objective: Objective = "score", exact_up_to: int = 2_000, time_limit: float = 60.0
) -> RoundResult:
    """Maximum-weight matching on the graph's undirected edges among ``n`` candidates.

    Up to ``exact_up_to`` people: the integer programme, proven optimal. Beyond: the LP relaxation
    (whose vertices are half-integral for matchings), its integral edges kept and the rest filled
    greedily by weight; the LP optimum is the bound the result is measured against."""
    bonus = COVERAGE_BONUS / SCALE if objective == "coverage" else 0.0
    if not len(graph):
        return RoundResult([], 0.0, 0.0, True, Duals(np.full(n, MARGIN - bonus), np.zeros(n), 0.0))
    weights = np.rint(graph.scores * SCALE) / SCALE + bonus
    edges = np.arange(len(graph))
    incidence = coo_matrix(
        (np.ones(2 * len(graph)), (np.concatenate([graph.rows, graph.cols]), np.concatenate([edges, edges]))),
        shape=(n, len(graph)),
    ).tocsr()
    # Interior point with crossover: several times faster than simplex here, and still a vertex with duals.
    relaxed = linprog(  # type: ignore[call-overload]  # HiGHS takes a sparse A_ub; scipy-stubs allow only dense
        -weights, A_ub=incidence, b_ub=np.ones(n), bounds=(0, None), method="highs-ipm"
    )
    if relaxed.status != 0:
        raise RuntimeError(f"peer matching LP failed: {relaxed.message}")
    person_value = np.maximum(-relaxed.ineqlin.marginals, 0.0)  # y_i: y_a + y_b >= weight on every edge
    chosen, optimal = None, False
    if n <= exact_up_to:
        exact = milp(
            -weights,
            constraints=LinearConstraint(incidence, 0, 1),
            bounds=Bounds(0, 1),
            integrality=np.ones(len(graph), dtype=np.uint8),  # what milp converts it to
            options={"time_limit": time_limit},
        )
        if exact.x is not None:
            chosen, optimal = exact.x > 0.5, exact.status == 0
    if chosen is None:
        chosen = _round(graph, weights, relaxed.x, n)
    pairs = list(zip(graph.rows[chosen].tolist(), graph.cols[chosen].tolist(), graph.scores[chosen].tolist(), strict=True))
    total = round(float(graph.scores[chosen].sum()), 4)
    dual_bound = float(person_value.sum()) - bonus * int(chosen.sum())
    bound = dual_bound if objective == "score" else _best_partner_bound(graph, peers=True)
    duals = Duals(person_value - bonus + MARGIN, person_value, dual_bound)
    return RoundResult(pairs, total, round(max(bound, total), 4), optimal, duals)


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
