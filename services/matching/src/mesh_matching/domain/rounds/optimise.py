"""A round that is optimal over the whole pool, not only over the candidate graph.

The graph holds each person's k best partners; the solution's dual prices then tell whether any
pair left out could still improve the round. Such pairs are added and the round solved again
(column generation) until none is left: the graph's optimum is then the pool's, proven. If the
passes run out, the prices still bound what the pool could give.
"""

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from mesh_matching.domain.rounds.graph import PairGraph, PairSearch, candidate_graph, improving_pairs
from mesh_matching.domain.rounds.solve import MARGIN, Objective, RoundResult, solve_mentor_mentee, solve_peer

CANDIDATES_PER_PERSON = 8  # the graph's k: enough that one solve is usually within the tolerance
# A round stops improving once proven this close to the pool's optimum: mentor-mentee rounds are
# solved exactly over the graph, so only left-out pairs can separate them from it; peer rounds
# round an LP, which typically costs 0.2-0.5 % that more pairs would not win back.
ROUND_TOLERANCE = {"mentor_mentee": 1e-3, "peer": 1e-2}
# Told where a round is: ("scoring", rows scored, rows to score), then ("solving", passes made, most passes).
RoundProgress = Callable[[str, int, int], None]


def best_round(
    search: PairSearch,
    capacity: np.ndarray,
    objective: Objective = "score",
    k: int = CANDIDATES_PER_PERSON,
    tolerance: float | None = None,
    passes: int = 8,
    exact_up_to: int = 2_000,
    time_limit: float = 60.0,
    progress: RoundProgress | None = None,
) -> tuple[RoundResult, PairGraph]:
    """``capacity``: places left per candidate (a mentor's mentees; otherwise 0 or 1). Stops once
    the round is proven optimal or (score objective) proven within ``tolerance`` of the pool's
    optimum (a fraction: 1e-3 is 0.1 %; by default the mode's ``ROUND_TOLERANCE``). Returns the round and the graph it was solved over
    (everyone with an eligible partner is in it)."""
    n = len(capacity)
    tolerance = ROUND_TOLERANCE[search.mode] if tolerance is None else tolerance

    def solve(graph: PairGraph) -> RoundResult:
        if search.mode == "mentor_mentee":
            return solve_mentor_mentee(graph, capacity, objective)
        return solve_peer(graph, n, objective, exact_up_to, time_limit)

    graph, caps = candidate_graph(search, k, None if progress is None else lambda done, total: progress("scoring", done, total))
    for made in range(passes):
        if progress is not None:
            progress("solving", made, passes)
        result = solve(graph)
        better = improving_pairs(search, result.duals.floors, result.duals.prices, caps)
        if not len(better):
            # Mentor-mentee rounds are integral LPs: no improving pair proves the pool's optimum.
            # Peer rounds are proven only where the matching meets its LP bound.
            proven = result.optimal and (search.mode == "mentor_mentee" or result.total_score >= result.upper_bound - 1e-9)
            return replace(result, optimal=proven), graph
        if objective == "score":
            bound = max(result.total_score, _pool_bound(result, better, search.mode))
            result = replace(result, optimal=False, upper_bound=round(bound, 4))
            if result.total_score >= (1 - tolerance) * bound:
                return result, graph
        graph = graph + better
    return replace(result, optimal=False), graph


def _pool_bound(result: RoundResult, better: PairGraph, mode: str) -> float:
    """Raising each person's dual value by their largest violation makes the prices feasible for
    every pair in the pool: the dual objective then bounds the pool's best round."""
    floors, prices = result.duals.floors, result.duals.prices
    gain = np.zeros(len(floors))
    np.maximum.at(gain, better.rows, better.scores - prices[better.cols] - floors[better.rows] + MARGIN)
    if mode == "peer":
        np.maximum.at(gain, better.cols, better.scores - prices[better.rows] - floors[better.cols] + MARGIN)
    return result.duals.bound + float(gain.sum())
