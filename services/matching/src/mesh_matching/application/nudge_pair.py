"""Use case: a coordinator (or an admin) checks in on a formed pair, dormant or not: MatchNudged, which
notify mails to both. At most one nudge a pair in 24 hours (by the service's clock), however many
coordinators or replicas try at once: the pair's row is locked while its last nudge is read."""

from datetime import timedelta
from uuid import UUID, uuid4

from mentoring_contracts import MatchNudged
from mesh_matching.application.coordinator_ports import HandPairings, Nudge
from mesh_matching.application.errors import MatchNotFound, NudgedRecently, PairEnded, PairNotFormed
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.match import MatchStatus

NUDGE_INTERVAL = timedelta(hours=24)


async def nudge_pair(
    uow: MatchingUnitOfWork, hands: HandPairings, match_id: UUID, *, nudged_by: str, message: str | None
) -> Nudge:
    """``nudged_by``: coordinator or admin. Refused: PairEnded, PairNotFormed, NudgedRecently."""
    now = uow.clock.now()
    match = await uow.matches.get_for_update(match_id)
    if match is None:
        raise MatchNotFound(f"no match {match_id}")
    if match.status is MatchStatus.ENDED:
        raise PairEnded(f"match {match_id} has ended: there is no pair to check in on")
    if match.status is not MatchStatus.ACCEPTED:
        raise PairNotFormed(
            f"match {match_id} is {match.status.value}, not a formed pair: only a pair both accepted may be nudged",
            match_status=match.status.value,
        )
    last = await hands.last_nudged_at(match_id)
    if last is not None and now < last + NUDGE_INTERVAL:
        allowed = last + NUDGE_INTERVAL
        raise NudgedRecently(
            f"this pair was nudged at {last.isoformat()}: the next nudge may go from {allowed.isoformat()}",
            last_nudged_at=last,
            next_allowed_at=allowed,
            retry_after_seconds=max(1, int((allowed - now).total_seconds()) + 1),
        )
    nudge = Nudge(uuid4(), match_id, match.program_id, nudged_by, message, await hands.dormant(match_id), now)
    await hands.add_nudge(nudge)
    await uow.emit(
        MatchNudged(
            match_id=match_id,
            program_id=match.program_id,
            participant_ids=list(match.participants),
            nudge_id=nudge.nudge_id,
            nudged_by=nudged_by,  # type: ignore[arg-type]  # the route's staff_role: coordinator or admin
            with_message=bool(message),
            dormant=nudge.dormant,
            nudged_at=now,
        )
    )
    return nudge
