"""Use case: a pair's match ended; their upcoming sessions are cancelled and no new ones are set."""

from mentoring_contracts import MatchEnded
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import cancelled_event


async def end_pair(uow: SchedulingUnitOfWork, ended: MatchEnded) -> int:
    """Returns how many sessions were cancelled."""
    now = uow.clock.now()
    await uow.pairs.mark_ended(ended.match_id, now)
    cancelled = 0
    for session in await uow.sessions.upcoming_for_update(ended.match_id, now):
        cancelled_session = session.cancel(now)  # by the platform, because the match ended
        await uow.sessions.save(cancelled_session)
        await uow.emit(cancelled_event(cancelled_session, now))
        cancelled += 1
    return cancelled
