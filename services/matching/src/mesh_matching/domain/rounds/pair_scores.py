"""The scoring rules of ``domain.scoring.score_pair`` over arrays of candidates, through the
compiled kernel of ``rounds.kernels``. The results equal score_pair's (property-tested)."""

import math
from dataclasses import dataclass, field

import numpy as np

from mesh_matching.domain.rounds import kernels
from mesh_matching.domain.rounds.features import SET_CRITERIA, Features
from mesh_matching.domain.rounds.modes import RoundMode as Mode
from mesh_matching.domain.scoring import MatchingPolicy

NO_EXCLUSIONS = np.zeros(0, dtype=np.int64)


def policy_vector(policy: MatchingPolicy) -> np.ndarray:
    """The policy as the kernel reads it (layout in ``kernels``)."""
    return np.array(
        [
            *(float(policy.weights.get(name, 0.0)) for name in kernels.CRITERIA),
            policy.min_overlap_hours,
            policy.full_overlap_hours,
            float(policy.same_campus_required),
            float(policy.shared_language_required),
            math.inf if policy.max_time_zone_gap_hours is None else policy.max_time_zone_gap_hours,
            SET_CRITERIA.index(policy.must_match) if policy.must_match else -1,
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class Scorer:
    """Scores rows against columns of one pool under one mode and policy. In mentor-mentee mode rows
    are mentees and columns mentors."""

    features: Features
    mode: Mode
    policy: MatchingPolicy
    # Derived once, in __post_init__: what every block's kernel call reads.
    _arrays: tuple = field(init=False, repr=False, compare=False)
    _policy: np.ndarray = field(init=False, repr=False, compare=False)
    _jaccard: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        largest = int(self.features.set_sizes.max()) if len(self.features) else 0
        object.__setattr__(self, "_arrays", self.features.kernel_arrays(self.mode))
        object.__setattr__(self, "_policy", policy_vector(self.policy))
        object.__setattr__(self, "_jaccard", kernels.jaccard_table(largest))

    def columns(self, cols: np.ndarray) -> tuple:
        """The columns' features, gathered once per block."""
        return self.features.kernel_columns(self.mode, cols)

    def best(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        columns: tuple,
        k: int,
        *,
        prices: np.ndarray | None = None,
        floors: np.ndarray | None = None,
        row_caps: np.ndarray | None = None,
        col_caps: np.ndarray | None = None,
        excluded: np.ndarray = NO_EXCLUSIONS,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``kernels.best_partners``; prices, floors and caps default to none."""

        def given(values: np.ndarray | None, size: int, default: float) -> np.ndarray:
            return np.full(size, default) if values is None else np.ascontiguousarray(values, dtype=np.float64)

        return kernels.best_partners(
            rows,
            cols,
            k,
            given(prices, len(cols), 0.0),
            given(floors, len(rows), -math.inf),
            given(row_caps, len(rows), math.inf),
            given(col_caps, len(cols), math.inf),
            excluded,
            len(self.features),
            self._arrays,
            columns,
            self._policy,
            self._jaccard,
        )


def score_block(features: Features, rows: np.ndarray, cols: np.ndarray, mode: Mode, policy: MatchingPolicy) -> np.ndarray:
    """Scores of every (row, column) pair; NaN where the pair is not eligible."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    scorer = Scorer(features, mode, policy)
    matrix = np.full((len(rows), len(cols)), np.nan)
    if not len(rows) or not len(cols):
        return matrix
    found, scores = scorer.best(rows, cols, scorer.columns(cols), len(cols))
    r, slot = np.nonzero(found >= 0)
    position = {candidate: c for c, candidate in enumerate(cols.tolist())}
    matrix[r, [position[j] for j in found[r, slot].tolist()]] = scores[r, slot]
    return matrix
