"""Shortest distances with negative arcs: the constraints a round's prices are read from."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import bellman_ford

from mesh_matching.domain.rounds.potentials import shortest_distances


@st.composite
def acyclic_graphs(draw):
    """Arcs only from lower to higher node numbers: negative lengths, but never a cycle."""
    nodes = draw(st.integers(2, 12))
    arcs = draw(st.lists(st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1), st.integers(-50, 50)), max_size=40))
    arcs = [(a, b, w) for a, b, w in arcs if a < b] + [(0, node, 1000) for node in range(1, nodes)]  # all reachable
    return nodes, arcs


@settings(max_examples=100, deadline=None)
@given(acyclic_graphs())
def test_distances_meet_every_arc_and_equal_bellman_ford(graph) -> None:
    nodes, arcs = graph
    tails, heads, lengths = (np.array(column, dtype=np.int64) for column in zip(*arcs, strict=True))
    distance = shortest_distances(nodes, tails, heads, lengths, 0)
    assert all(distance[b] <= distance[a] + w for a, b, w in arcs)
    best = {}
    for a, b, w in arcs:  # parallel arcs: scipy keeps one entry, the shortest
        best[a, b] = min(w, best.get((a, b), w))
    matrix = csr_matrix(
        ([w if w != 0 else 1e-12 for w in best.values()], ([a for a, _ in best], [b for _, b in best])), shape=(nodes, nodes)
    )
    assert np.allclose(distance, bellman_ford(matrix, indices=0), atol=1e-9)


def test_a_negative_cycle_is_refused() -> None:
    tails, heads, lengths = np.array([0, 1, 2]), np.array([1, 2, 1]), np.array([0, -2, 1])
    with pytest.raises(ValueError, match="negative cycle"):
        shortest_distances(3, tails, heads, lengths, 0)
