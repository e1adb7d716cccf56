"""Choosing whom to propose to a newcomer: the best-scoring eligible partner with room left."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, score_pair

if TYPE_CHECKING:  # the kernels and numpy load with the first large block, never with the service
    import numpy as np

    from mesh_matching.domain.rounds.features import Features


@dataclass(frozen=True, slots=True)
class Proposal:
    partner: Candidate
    pair: PairScore


def rank_partners(newcomer: Candidate, pool: Iterable[Candidate], policy: MatchingPolicy, week_start: datetime) -> list[Proposal]:
    """Eligible partners, best first; ties broken by who joined first (pool order), then id."""
    ranked: list[tuple[float, int, str, Proposal]] = []
    for position, other in enumerate(pool):
        result = score_pair(newcomer, other, policy, week_start)
        if isinstance(result, PairScore):
            ranked.append((-result.score, position, str(other.participant_id), Proposal(other, result)))
    ranked.sort(key=lambda item: item[:3])
    return [proposal for *_, proposal in ranked]


LARGE_BLOCK = 48  # past this many possible partners, the compiled kernel ranks them


def best_partners(
    newcomer: Candidate,
    pool: Sequence[Candidate],
    policy: MatchingPolicy,
    week_start: datetime,
    places: int,
    large_block: int = LARGE_BLOCK,
    shared: "PoolFeatures | None" = None,
) -> Iterator[Proposal]:
    """``rank_partners``' order, read as far as the caller needs (usually ``places`` partners).

    A large block (a mentor who fits a whole waiting cohort) is ranked by the compiled kernel the
    rounds use, whose scores equal score_pair's bit for bit (property-tested); only the partners
    the caller reads are scored again here, for the parts and reasons the proposal carries.
    ``shared``: the kernel's arrays of a run's whole pool, built once for all its newcomers."""
    if len(pool) <= large_block or places < 1:
        yield from rank_partners(newcomer, pool, policy, week_start)
        return
    ranking, shown, wanted = _KernelRanking(newcomer, pool, policy, week_start, shared), 0, places + 8
    while True:  # more than ``places`` only when reserving a chosen partner failed
        ranked = ranking.first(wanted)
        for index, score in ranked[shown:]:
            pair = score_pair(newcomer, pool[index], policy, week_start)
            assert isinstance(pair, PairScore) and pair.score == score, "the kernel and score_pair disagree"
            yield Proposal(pool[index], pair)
        if len(ranked) < wanted:
            return
        shown, wanted = len(ranked), wanted * 4


class _KernelRanking:
    """The pool's partners for the newcomer, best first (ties: earlier in the pool), in whichever
    direction they fit (the score does not depend on the topic): the newcomer as mentee, as mentor,
    or as a peer. The kernel keeps only each row's best, so the newcomer is the row where the
    pool is the columns (its best ``k``), and each pool member is a row of its own where the
    newcomer is the only column. The kernel (numpy, numba) is imported by the first large block, not
    with the service: that first join pays the load (or, with no numba cache, the compile)."""

    def __init__(
        self,
        newcomer: Candidate,
        pool: Sequence[Candidate],
        policy: MatchingPolicy,
        week_start: datetime,
        shared: "PoolFeatures | None" = None,
    ) -> None:
        import numpy as np

        from mesh_matching.domain.rounds.pair_scores import Scorer, score_block

        rows = shared.rows([newcomer, *pool], week_start) if shared is not None else None
        if rows is not None and shared is not None:
            features = shared.features()
        else:
            from mesh_matching.domain.rounds.features import build

            features, rows = build([newcomer, *pool], week_start), np.arange(len(pool) + 1, dtype=np.int64)
        self._me, self._others = rows[:1], rows[1:]
        self._position = {int(row): position for position, row in enumerate(self._others.tolist())}
        as_mentor = score_block(features, self._others, self._me, "mentor_mentee", policy)[:, 0]
        self._as_mentor = [(int(i), float(as_mentor[i])) for i in np.flatnonzero(~np.isnan(as_mentor))]
        self._rows = [Scorer(features, mode, policy) for mode in ("mentor_mentee", "peer")]
        self._columns = [scorer.columns(self._others) for scorer in self._rows]

    def first(self, k: int) -> list[tuple[int, float]]:
        """The first ``k`` (pool index, score), or all there are."""
        found: dict[int, float] = dict(self._as_mentor)
        for scorer, columns in zip(self._rows, self._columns, strict=True):
            partners, scores = scorer.best(self._me, self._others, columns, min(k, len(self._others)))
            for partner, score in zip(partners[0].tolist(), scores[0].tolist(), strict=True):
                if partner >= 0:
                    position = self._position[partner]
                    found[position] = max(score, found.get(position, score))
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:k]


class PoolFeatures:
    """The kernel's arrays for everyone a run of joins may rank (the program's open pool and the run's
    newcomers), built once on the first large block and then shared: each newcomer's block is rows
    of it, not a build of its own. Scores do not depend on who else was built with a pair."""

    def __init__(self, everyone: Sequence[Candidate], week_start: datetime) -> None:
        self._everyone = list(everyone)
        self._row = {candidate.participant_id: row for row, candidate in enumerate(self._everyone)}
        self._week_start = week_start
        self._built: Features | None = None

    def rows(self, people: Sequence[Candidate], week_start: datetime) -> "np.ndarray | None":
        """Their rows, or None when one of them is not among everyone (or the week is another)."""
        import numpy as np

        if week_start != self._week_start or any(person.participant_id not in self._row for person in people):
            return None
        return np.fromiter((self._row[person.participant_id] for person in people), dtype=np.int64, count=len(people))

    def features(self) -> "Features":
        if self._built is None:
            from mesh_matching.domain.rounds.features import build

            self._built = build(self._everyone, self._week_start)
        return self._built
