"""The sparse graph a round optimises over: for each person, their k best eligible partners.

No n×n matrix is ever built: the pool is blocked by program and topic (only people sharing a
topic can pair) and each row keeps only its k best partners while its block is scored. The same
search, given dual prices, finds the pairs left out that could still improve a round
(``improving_pairs``); each row's k-th best score caps every pair left out, so rows and pairs that
cannot improve are skipped without scoring.
"""

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mesh_matching.domain.rounds.features import Features
from mesh_matching.domain.rounds.pair_scores import Mode, Scorer
from mesh_matching.domain.scoring import MatchingPolicy

TASK_PAIRS = 2_000_000  # pairs per parallel task: small enough to balance the cores
Progress = Callable[[int, int], None]  # (done, total): rows of the search's tasks scored so far, of all


@dataclass(frozen=True)
class PairGraph:
    """Edges (row, col, score); mentor-mentee: row is the mentee, col the mentor; peer: row < col."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)

    def __add__(self, other: "PairGraph") -> "PairGraph":
        return PairGraph(
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.cols, other.cols]),
            np.concatenate([self.scores, other.scores]),
        )


@dataclass(frozen=True)
class PairSearch:
    """Who may pair in a round: the pool's features, the mode and policy, who takes part, and the
    pairs never to propose (keys ``min(a, b) * n + max(a, b)``, sorted)."""

    features: Features
    mode: Mode
    policy: MatchingPolicy
    taking_part: np.ndarray
    excluded: np.ndarray

    @cached_property
    def blocks(self) -> list[tuple[np.ndarray, np.ndarray, tuple]]:
        """Rows and columns sharing a topic within a program (rows cut to bounded tasks), with the
        columns' features gathered: the same for every pass of a round."""
        return list(_blocks(self))

    @classmethod
    def of(
        cls,
        features: Features,
        mode: Mode,
        policy: MatchingPolicy,
        taking_part: np.ndarray | None = None,
        excluded: np.ndarray | None = None,
    ) -> "PairSearch":
        n = len(features)
        return cls(
            features,
            mode,
            policy,
            np.ones(n, dtype=bool) if taking_part is None else taking_part,
            np.zeros(0, dtype=np.int64) if excluded is None else np.sort(excluded.astype(np.int64)),
        )


def candidate_graph(search: PairSearch, k: int = 6, progress: Progress | None = None) -> tuple[PairGraph, np.ndarray]:
    """Each row's k best partners, and per candidate the score no pair left out of their list can
    exceed (-inf where every eligible partner is in). ``progress`` hears of each task scored."""
    n = len(search.features)
    rows, cols, scores = _search(search, k, progress=progress)
    points = np.rint(scores * 10_000).astype(np.int64)  # scores carry four decimals
    order = np.argsort((rows * 10_001 + 10_000 - points) * n + cols)  # per row, best first (one key: fast)
    rows, cols, scores = rows[order], cols[order], scores[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    caps = np.full(n, -math.inf)
    caps[rows[rank == k - 1]] = scores[rank == k - 1]  # a row with fewer than k found has them all
    keep = rank < k
    return _graph(search.mode, n, rows[keep], cols[keep], scores[keep]), caps


def improving_pairs(search: PairSearch, floors: np.ndarray, prices: np.ndarray, caps: np.ndarray, k: int = 4) -> PairGraph:
    """Each row's best pairs with ``score - prices[col] > floors[row]`` (a dual solution's reduced
    cost is positive): none means no pair outside the graph can improve the round. ``caps`` from
    ``candidate_graph``: a pair left out scores no more than its row's cap (in peer rounds, than
    either person's), so most rows and pairs are passed over unscored."""
    return _graph(search.mode, len(search.features), *_search(search, k, caps=caps, floors=floors, prices=prices))


def _graph(mode: Mode, n: int, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> PairGraph:
    if mode == "peer":  # an undirected edge, once
        rows, cols = np.minimum(rows, cols), np.maximum(rows, cols)
    _, first = np.unique(rows * n + cols, return_index=True)  # found through two shared topics: once
    return PairGraph(rows[first], cols[first], scores[first])


def _search(
    search: PairSearch,
    k: int,
    caps: np.ndarray | None = None,
    floors: np.ndarray | None = None,
    prices: np.ndarray | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, score) of each row's k best per block, a row's pairs sharing two topics twice."""
    scorer = Scorer(search.features, search.mode, search.policy)
    col_caps = caps if search.mode == "peer" else None  # a mentor keeps no list: no cap of their own

    def run(task: tuple[np.ndarray, np.ndarray, tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, cols, columns = task
        found, scores = scorer.best(
            rows,
            cols,
            columns,
            k,
            excluded=search.excluded,
            prices=None if prices is None else prices[cols],
            floors=None if floors is None else floors[rows],
            row_caps=None if caps is None else caps[rows],
            col_caps=None if col_caps is None else col_caps[cols],
        )
        r, c = np.nonzero(found >= 0)
        return rows[r], found[r, c], scores[r, c]

    # The kernel releases the GIL: blocks score in parallel on the machine's cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        if progress is None:
            found = list(pool.map(run, search.blocks))
        else:  # the same tasks and order, each told as it is taken in
            found, done, total = [], 0, sum(len(rows) for rows, _, _ in search.blocks)
            for (rows, _, _), part in zip(search.blocks, pool.map(run, search.blocks), strict=True):
                found.append(part)
                done += len(rows)
                progress(done, total)
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    all_rows, all_cols, all_scores = (np.concatenate([part[i] for part in found]) for i in range(3))
    return all_rows, all_cols, all_scores


def _blocks(search: PairSearch) -> Iterator[tuple[np.ndarray, np.ndarray, tuple]]:
    f = search.features
    row_bits, col_bits = (f.mentee_topics, f.mentor_topics) if search.mode == "mentor_mentee" else (f.peer_topics,) * 2
    for program in np.unique(f.program):
        in_program = search.taking_part & (f.program == program)
        for topic in range(row_bits.shape[1] * 64):
            word, bit = divmod(topic, 64)
            mask = np.uint64(1) << np.uint64(bit)
            rows = np.flatnonzero(in_program & ((row_bits[:, word] & mask) != 0))
            cols = np.flatnonzero(in_program & ((col_bits[:, word] & mask) != 0))
            if len(rows) and len(cols):
                step = max(1, TASK_PAIRS // len(cols))
                columns = f.kernel_columns(search.mode, cols)
                yield from ((rows[start : start + step], cols, columns) for start in range(0, len(rows), step))
