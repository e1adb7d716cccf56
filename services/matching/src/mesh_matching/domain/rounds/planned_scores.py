"""The parts, score and reasons of a round's planned pairs, read from the round itself: each pair's
weekly overlap from the availability bitmaps it was scored with, the rest from the pool's columns.
Equal to ``score_pair``'s for every eligible pair (property-tested), with no profile built and no
week of windows laid out per pair."""

from collections.abc import Sequence

import numpy as np

from mesh_matching.domain.rounds.features import Features
from mesh_matching.domain.rounds.plan import RoundPlan
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, best_topic, score_eligible


def planned_scores(plan: RoundPlan, policy: MatchingPolicy) -> list[PairScore]:
    """One per pair of ``plan.pairs``, in order, under the policy the round was planned with."""
    return scores_at(plan.features, [pair.at for pair in plan.pairs], policy)


def scores_at(features: Features, pairs: Sequence[tuple[int, int]], policy: MatchingPolicy) -> list[PairScore]:
    """``score_pair`` of each (first, second) pair of the pool's places, every one eligible under the policy."""
    if not pairs:
        return []
    pool = features.pool
    at = np.array(pairs, dtype=np.int64)
    # Shared quarter hours, as the kernel counts them: the hours equal score_pair's overlap_hours.
    quarters = np.bitwise_count(features.availability[at[:, 0]] & features.availability[at[:, 1]]).sum(axis=1)
    scored = []
    for (first, second), overlap in zip(at.tolist(), (quarters / 4.0).tolist(), strict=True):
        topic = best_topic(pool.topic_roles(first), pool.topic_roles(second))
        assert topic is not None, "only eligible pairs are scored here"
        scored.append(score_eligible(pool.facts(first), pool.facts(second), topic, overlap, policy))
    return scored
