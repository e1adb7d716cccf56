"""Use case: a session nobody recorded within the grace after its end becomes missed."""

from datetime import timedelta

from mentoring_contracts import SessionMissed
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import schedule_next

MISSED_AFTER = timedelta(hours=48)


async def mark_missed(uow: SchedulingUnitOfWork, grace: timedelta = MISSED_AFTER, limit: int = 500) -> int:
    """SessionMissed asks the pair whether it happened (they may still record it as done); the
    series' next session is scheduled. Returns how many were marked (at most ``limit``)."""
    now = uow.clock.now()
    marked = 0
    for session in await uow.sessions.unrecorded_before(now - grace, limit):
        missed = session.miss(now)
        await uow.sessions.save(missed)
        await uow.emit(
            SessionMissed(
                session_id=missed.session_id,
                match_id=missed.match_id,
                program_id=missed.program_id,
                participant_ids=list(missed.participant_ids),
                missed_by=[],
                recorded_at=now,
            )
        )
        await schedule_next(uow, await uow.pairs.get(missed.match_id), missed, now)
        marked += 1
    return marked
