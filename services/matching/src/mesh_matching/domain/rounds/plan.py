"""A round over a program's unmatched pool: who is paired, and why everyone else is not.

Business rules: only people with room left take part; pairs declined or already matched before
are never proposed; the plan maximises the total score (or, by the coordinator's choice, the
number of people matched first); whoever stays unmatched is told why.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import numpy as np

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds.features import Features, build
from mesh_matching.domain.rounds.graph import PairSearch
from mesh_matching.domain.rounds.modes import Objective, RoundMode
from mesh_matching.domain.rounds.optimise import RoundProgress, best_round
from mesh_matching.domain.rounds.pool import Member, RoundPool
from mesh_matching.domain.scoring import MatchingPolicy

NO_ELIGIBLE_PARTNER = "no eligible partner in the pool"
PARTNERS_TAKEN = "every eligible partner went to a better-scoring pair"
NOT_IN_MODE = "takes no role this round's mode pairs"


@dataclass(frozen=True)
class PlannedPair:
    first: Member  # the mentee, or the first peer (a Candidate where the pool was made of candidates)
    second: Member  # the mentor, or the second peer
    score: float
    at: tuple[int, int] = field(compare=False)  # both people's places in the pool (and its features)


@dataclass(frozen=True)
class RoundPlan:
    pairs: list[PlannedPair]
    unmatched: dict[UUID, str]
    upper_bound: float
    optimal: bool
    features: Features = field(compare=False, repr=False)  # the pool as scored: a pair's parts and reasons are read from it

    @property
    def total_score(self) -> float:
        return round(sum(p.score for p in self.pairs), 4)

    def distribution(self) -> dict[str, int]:
        """How many pairs score in each tenth: "0.5-0.6": 12, ..."""
        counts = np.histogram([p.score for p in self.pairs], bins=10, range=(0, 1))[0]
        return {f"{i / 10:.1f}-{(i + 1) / 10:.1f}": int(c) for i, c in enumerate(counts)}


def plan_round(
    pool: Sequence[Candidate] | RoundPool,
    places: Sequence[int],
    excluded: set[tuple[UUID, UUID]],
    mode: RoundMode,
    objective: Objective,
    policy: MatchingPolicy,
    week_start: datetime,
    progress: RoundProgress | None = None,
) -> RoundPlan:
    """``places``: how many more partners each can take (mentors: mentees; others: 0 or 1).
    ``progress``: told how far scoring and solving are (``optimise.RoundProgress``); the plan is the same."""
    features = build(pool, week_start)
    people = features.pool
    capacity = np.array(places, dtype=np.int64)
    takes_part = capacity > 0
    search = PairSearch.of(features, mode, policy, takes_part, _excluded_keys(people, excluded))
    result, graph = best_round(search, capacity, objective, progress=progress)
    pairs = [PlannedPair(people.member(a), people.member(b), score, (a, b)) for a, b, score in result.pairs]
    matched = {i for a, b, _ in result.pairs for i in (a, b)}
    with_partners = set(graph.rows.tolist()) | set(graph.cols.tolist())
    role_bits = features.peer_topics if mode == "peer" else features.mentor_topics | features.mentee_topics
    unmatched = {}
    for index, participant_id in enumerate(people.participant_ids):
        if index in matched or not takes_part[index]:
            continue
        if not role_bits[index].any():
            unmatched[participant_id] = NOT_IN_MODE
        elif index in with_partners:
            unmatched[participant_id] = PARTNERS_TAKEN
        else:
            unmatched[participant_id] = NO_ELIGIBLE_PARTNER
    return RoundPlan(pairs, unmatched, result.upper_bound, result.optimal, features)


def _excluded_keys(pool: RoundPool, excluded: set[tuple[UUID, UUID]]) -> np.ndarray:
    index = {participant_id: i for i, participant_id in enumerate(pool.participant_ids)}
    pairs = [(index[a], index[b]) for a, b in excluded if a in index and b in index]
    return np.array([min(a, b) * len(pool) + max(a, b) for a, b in pairs], dtype=np.int64)
