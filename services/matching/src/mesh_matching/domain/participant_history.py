"""A participant's history in a program, told from what matching keeps of them and their matches.

Rules: each step is dated by the service's clock as it happened; steps of one moment come in the
order a match lives (joined, proposed, accepted, formed, dormant, then declined, lapsed or ended,
then left). A request's asker accepted by asking: their request is the proposal, not an acceptance.
Only a pair's last dormancy is known (a pair that met again is no longer dormant, and was not
kept as having been; one that ended dormant was); a step whose time was never kept (before the directory, migration 018) is
left out rather than guessed."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mesh_matching.domain.match import Match, MatchStatus

STEPS = ("joined", "proposed", "accepted", "formed", "dormant", "declined", "expired", "ended", "left")


@dataclass(frozen=True, slots=True)
class Step:
    at: datetime
    what: str  # one of STEPS
    match_id: UUID | None = None
    by: UUID | None = None  # who did it, where one person did: who asked, accepted or declined
    detail: str | None = None  # why it was declined, lapsed or ended, in words, where kept


def history_of(
    joined_at: datetime | None, left_at: datetime | None, matches: Sequence[Match], dormant_since: Mapping[UUID, datetime]
) -> list[Step]:
    """``dormant_since``: the pairs found dormant and not active since (now, or when they ended), and when."""
    steps = [Step(joined_at, "joined")] if joined_at else []
    for match in matches:
        steps += _steps_of(match, dormant_since.get(match.match_id))
    if left_at:
        steps.append(Step(left_at, "left"))
    return sorted(steps, key=lambda step: (step.at, STEPS.index(step.what)))


def asker_of(match: Match) -> UUID | None:
    """Who asked for this match themself (a request holds no places until formed), if anyone did."""
    if match.capacity_reserved:
        return None
    return next((pid for pid, at in zip(match.participants, match.accepted_at, strict=True) if at == match.proposed_at), None)


def _steps_of(match: Match, dormant_since: datetime | None) -> list[Step]:
    asker = asker_of(match)
    steps = [Step(match.proposed_at, "proposed", match.match_id, by=asker)]
    steps += [
        Step(at, "accepted", match.match_id, by=pid)
        for pid, at in zip(match.participants, match.accepted_at, strict=True)
        if at and pid != asker
    ]
    if match.formed_at:
        steps.append(Step(match.formed_at, "formed", match.match_id))
    if dormant_since and match.status in (MatchStatus.ACCEPTED, MatchStatus.ENDED):
        steps.append(Step(dormant_since, "dormant", match.match_id))
    closed = {MatchStatus.DECLINED: "declined", MatchStatus.EXPIRED: "expired", MatchStatus.ENDED: "ended"}
    if match.status in closed and match.closed_at:
        steps.append(
            Step(
                match.closed_at,
                closed[match.status],
                match.match_id,
                by=match.declined_by if match.status is MatchStatus.DECLINED else None,
                detail=match.closing_reason,
            )
        )
    return steps
