"""Use case: one of the pair cancels a session, with a reason kept here; the series goes on."""

from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import SessionCancelled
from mesh_scheduling.application.complete_session import get_session
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.schedule_session import schedule_next
from mesh_scheduling.domain.session import Session


async def cancel_session(
    uow: SchedulingUnitOfWork, session_id: UUID, by: UUID, reason: str, now: datetime | None = None
) -> Session:
    """The next occurrence of the series is scheduled in its place."""
    now = now or datetime.now(UTC)
    session = await get_session(uow, session_id)
    cancelled = session.cancel(now, by=by, reason=reason)
    await uow.sessions.save(cancelled)
    await uow.emit(cancelled_event(cancelled, now))
    await schedule_next(uow, await uow.pairs.get(cancelled.match_id), cancelled, now)
    return cancelled


def cancelled_event(session: Session, now: datetime) -> SessionCancelled:
    return SessionCancelled(
        session_id=session.session_id,
        match_id=session.match_id,
        program_id=session.program_id,
        participant_ids=list(session.participant_ids),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        cancelled_by=session.cancelled_by,
        cancelled_at=now,
        revision=session.revision,
    )
