"""Use case: a participant records a session as done with a reflection."""

from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import ProgressRating, Reflection, SessionCompleted
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.schedule_session import schedule_session
from mesh_scheduling.domain.session import Session, SessionError


class SessionNotFound(SessionError):
    pass


async def complete_session(uow: SchedulingUnitOfWork, session_id: UUID, reflection: Reflection) -> Session:
    """Completing a session emits SessionCompleted and, unless the pair meets 'as needed',
    schedules their next session by the pair's cadence."""
    session = await uow.sessions.get_for_update(session_id)
    if session is None:
        raise SessionNotFound(f"no session {session_id}")
    now = datetime.now(UTC)
    completed = session.complete(reflection, now)
    await uow.sessions.save(completed)
    await uow.emit(
        SessionCompleted(
            session_id=completed.session_id,
            match_id=completed.match_id,
            program_id=completed.program_id,
            participant_ids=list(completed.participant_ids),
            completed_at=now,
            reflections=[ProgressRating(participant_id=r.participant_id, progress_rating=r.progress_rating)
                         for r in completed.reflections],  # their words stay here
        )
    )
    pair = await uow.pairs.get(completed.match_id)
    if pair is not None:
        not_before = pair.next_not_before(completed.starts_at, now)
        if not_before is not None:
            await schedule_session(uow, pair, sequence=completed.sequence + 1, not_before=not_before)
    return completed
