"""Shortest distances with negative arc lengths (Bellman-Ford with a queue), compiled.

A round reads its dual prices off these distances: an optimal solution's constraint graph has no
negative cycle, so the distances exist and satisfy every constraint at once.
"""

import numpy as np
from numba import njit


@njit(nogil=True, cache=True)
def shortest_distances(nodes: int, tails: np.ndarray, heads: np.ndarray, lengths: np.ndarray, root: int) -> np.ndarray:
    """``distance[y] <= distance[x] + length`` for every arc x→y, from ``root`` (every node must be
    reachable). Raises if a negative cycle makes distances unbounded."""
    order = np.argsort(tails, kind="mergesort")
    first = np.zeros(nodes + 1, dtype=np.int64)
    for tail in tails:
        first[tail + 1] += 1
    first = np.cumsum(first)
    distance = np.full(nodes, np.iinfo(np.int64).max)
    distance[root] = 0
    queued = np.zeros(nodes, dtype=np.bool_)
    queueings = np.zeros(nodes, dtype=np.int64)
    queue = np.empty(nodes + 1, dtype=np.int64)  # a ring: each node is in it at most once
    head, size = 0, 1
    queue[0] = root
    queued[root] = True
    while size:
        node = queue[head]
        head = (head + 1) % len(queue)
        size -= 1
        queued[node] = False
        for at in range(first[node], first[node + 1]):
            arc = order[at]
            candidate = distance[node] + lengths[arc]
            target = heads[arc]
            if candidate < distance[target]:
                distance[target] = candidate
                if not queued[target]:
                    queueings[target] += 1  # without a negative cycle, fewer than `nodes` times
                    if queueings[target] > nodes:
                        raise ValueError("negative cycle: the solution is not optimal")
                    queue[(head + size) % len(queue)] = target
                    size += 1
                    queued[target] = True
    return distance
