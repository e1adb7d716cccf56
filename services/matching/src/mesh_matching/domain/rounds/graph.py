"""The sparse graph a round optimises over: for each person, their k best eligible partners.

No n×n matrix is ever built: the pool is blocked by program and topic (only people sharing a
topic can pair) and each block is scored a bounded chunk of rows at a time.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from mesh_matching.domain.rounds.features import Features
from mesh_matching.domain.rounds.pair_scores import Mode, score_block
from mesh_matching.domain.scoring import MatchingPolicy

CHUNK_PAIRS = 250_000  # pairs scored at once: bounds memory at roughly 150 MB whatever the pool


@dataclass(frozen=True)
class PairGraph:
    """Edges (row, col, score); mentor-mentee: row is the mentee, col the mentor; peer: row < col."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)


def candidate_graph(features: Features, mode: Mode, policy: MatchingPolicy, k: int = 12,
                    eligible: np.ndarray | None = None) -> PairGraph:
    """``eligible`` (bool per candidate) limits the round to people with room left."""
    n = len(features)
    eligible = np.ones(n, dtype=bool) if eligible is None else eligible
    if mode == "mentor_mentee":
        row_bits, col_bits = features.mentee_topics, features.mentor_topics
    else:
        row_bits = col_bits = features.peer_topics
    blocks = []
    for program in np.unique(features.program):
        in_program = eligible & (features.program == program)
        for topic in range(row_bits.shape[1] * 64):
            word, bit = divmod(topic, 64)
            mask = np.uint64(1) << np.uint64(bit)
            rows = np.nonzero(in_program & ((row_bits[:, word] & mask) != 0))[0]
            cols = np.nonzero(in_program & ((col_bits[:, word] & mask) != 0))[0]
            if len(rows) and len(cols):
                step = max(1, CHUNK_PAIRS // len(cols))
                blocks.extend((rows[start:start + step], cols) for start in range(0, len(rows), step))

    def best_of(block: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chunk, cols = block
        scores = score_block(features, chunk, cols, mode, policy)
        r, c = np.nonzero(_top_k(scores, k))
        return chunk[r], cols[c], scores[r, c]

    # NumPy releases the GIL in its kernels: blocks score in parallel on the machine's cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = list(pool.map(best_of, blocks))
    rows_out = [r for r, _, _ in found]
    cols_out = [c for _, c, _ in found]
    scores_out = [s for _, _, s in found]
    if not rows_out:
        empty = np.zeros(0, dtype=np.int64)
        return PairGraph(empty, empty, np.zeros(0))
    rows_all, cols_all, scores_all = np.concatenate(rows_out), np.concatenate(cols_out), np.concatenate(scores_out)
    if mode == "peer":  # an undirected edge, once
        rows_all, cols_all = np.minimum(rows_all, cols_all), np.maximum(rows_all, cols_all)
    keys = rows_all.astype(np.int64) * n + cols_all
    _, first = np.unique(keys, return_index=True)  # a pair found through two shared topics counts once
    return PairGraph(rows_all[first], cols_all[first], scores_all[first])


def _top_k(block: np.ndarray, k: int) -> np.ndarray:
    """Mask of each row's k highest (non-NaN) scores."""
    filled = np.where(np.isnan(block), -1.0, block)
    if block.shape[1] > k:
        threshold = -np.partition(-filled, k - 1, axis=1)[:, k - 1:k]
        keep = filled >= threshold
    else:
        keep = np.ones(block.shape, dtype=bool)
    return keep & ~np.isnan(block)
