"""Use case: a pair's match ended; their upcoming sessions are cancelled and no new ones are set."""

from datetime import UTC, datetime

from mentoring_contracts import MatchEnded, SessionCancelled
from mesh_scheduling.application.ports import SchedulingUnitOfWork


async def end_pair(uow: SchedulingUnitOfWork, ended: MatchEnded, now: datetime | None = None) -> int:
    """Returns how many sessions were cancelled."""
    now = now or datetime.now(UTC)
    await uow.pairs.mark_ended(ended.match_id, now)
    cancelled = 0
    for session in await uow.sessions.upcoming_for_update(ended.match_id, now):
        await uow.sessions.save(session.cancel(now))
        await uow.emit(
            SessionCancelled(
                session_id=session.session_id,
                match_id=session.match_id,
                program_id=session.program_id,
                participant_ids=list(session.participant_ids),
                starts_at=session.starts_at,
                cancelled_by=None,  # the platform, because the match ended
                cancelled_at=now,
            )
        )
        cancelled += 1
    return cancelled
