"""Use case: one of the pair cancels a session, with a reason kept here; the series goes on."""

from uuid import UUID

from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import cancelled_event, get_session, schedule_next
from mesh_scheduling.domain.session import Session


async def cancel_session(uow: SchedulingUnitOfWork, session_id: UUID, by: UUID, reason: str) -> Session:
    """The next occurrence of the series is scheduled in its place."""
    now = uow.clock.now()
    session = await get_session(uow, session_id)
    cancelled = session.cancel(now, by=by, reason=reason)
    await uow.sessions.save(cancelled)
    await uow.emit(cancelled_event(cancelled, now))
    await schedule_next(uow, await uow.pairs.get(cancelled.match_id), cancelled, now)
    return cancelled
