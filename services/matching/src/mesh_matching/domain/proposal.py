"""Choosing whom to propose to a newcomer: the best-scoring eligible partner with room left."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds.features import build
from mesh_matching.domain.rounds.pair_scores import score_block
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, score_pair


@dataclass(frozen=True, slots=True)
class Proposal:
    partner: Candidate
    pair: PairScore


def rank_partners(
    newcomer: Candidate, pool: Iterable[Candidate], policy: MatchingPolicy, week_start: datetime
) -> list[Proposal]:
    """Eligible partners, best first; ties broken by who joined first (pool order), then id."""
    ranked: list[tuple[float, int, str, Proposal]] = []
    for position, other in enumerate(pool):
        result = score_pair(newcomer, other, policy, week_start)
        if isinstance(result, PairScore):
            ranked.append((-result.score, position, str(other.participant_id), Proposal(other, result)))
    ranked.sort(key=lambda item: item[:3])
    return [proposal for *_, proposal in ranked]


LARGE_BLOCK = 2_000  # past this many possible partners, the compiled kernel finds the best ones


def best_partners(newcomer: Candidate, pool: Sequence[Candidate], policy: MatchingPolicy, week_start: datetime,
                  places: int, large_block: int = LARGE_BLOCK) -> Iterator[Proposal]:
    """``rank_partners``' order, read as far as the caller needs (usually ``places`` partners).

    A large block (a mentor who fits a whole waiting cohort) is scored by the compiled kernel the
    rounds use; only those whose kernel score comes within its rounding of the ``places``-th best
    are scored exactly, so the partners chosen are exactly rank_partners' first ones."""
    if len(pool) <= large_block or places < 1:
        yield from rank_partners(newcomer, pool, policy, week_start)
        return
    scores = _kernel_scores(newcomer, pool, policy, week_start)  # NaN: not eligible
    eligible = np.flatnonzero(~np.isnan(scores))
    if not len(eligible):
        return
    ordered = eligible[np.argsort(-scores[eligible], kind="stable")]
    cutoff = scores[ordered[min(places, len(ordered)) - 1]] - 2 * KERNEL_TOLERANCE
    head = np.flatnonzero(scores >= cutoff)  # in pool order, so ties still go to who joined first
    first = rank_partners(newcomer, [pool[i] for i in head], policy, week_start)[:places]
    yield from first
    # Read further only when a chosen partner could not be reserved: then everyone, exactly.
    shown = {proposal.partner.participant_id for proposal in first}
    yield from (p for p in rank_partners(newcomer, pool, policy, week_start) if p.partner.participant_id not in shown)


KERNEL_TOLERANCE = 1e-4  # the kernel's scores equal score_pair's within this (property-tested)


def _kernel_scores(newcomer: Candidate, pool: Sequence[Candidate], policy: MatchingPolicy,
                   week_start: datetime) -> np.ndarray:
    """Each pool member's score with the newcomer in whichever direction they fit (the score does not
    depend on the topic): the newcomer as mentee, as mentor, or as a peer."""
    features = build([newcomer, *pool], week_start)
    me, others = np.zeros(1, dtype=np.int64), np.arange(1, len(pool) + 1, dtype=np.int64)
    as_mentee = score_block(features, me, others, "mentor_mentee", policy)[0]
    as_mentor = score_block(features, others, me, "mentor_mentee", policy)[:, 0]
    as_peer = score_block(features, me, others, "peer", policy)[0]
    return np.fmax(np.fmax(as_mentee, as_mentor), as_peer)
