"""Choosing whom to propose to a newcomer: the best-scoring eligible partner with room left."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mesh_matching.domain.candidate import Candidate
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
