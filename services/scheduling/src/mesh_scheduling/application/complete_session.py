"""Use case: a participant records a session as done with a reflection (and their goals' progress)."""

from datetime import datetime
from uuid import UUID

from mentoring_contracts import ProgressRating, Reflection, SessionCompleted
from mesh_scheduling.application.errors import UnknownGoal
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import get_session, schedule_next
from mesh_scheduling.domain.session import Session, SessionStatus


async def complete_session(
    uow: SchedulingUnitOfWork,
    session_id: UUID,
    reflection: Reflection,
    goal_progress: dict[int, int] | None = None,
) -> Session:
    """Completing a session emits SessionCompleted and schedules the series' next session; a
    missed one may still be recorded as done (its next was set when it was missed).

    ``goal_progress``: percent reached per goal number of the agreement that holds."""
    now = uow.clock.now()
    session = await get_session(uow, session_id)
    was_missed = session.status is SessionStatus.MISSED
    completed = session.complete(reflection, now)
    await uow.sessions.save(completed)
    if goal_progress:
        await _record_progress(uow, completed, reflection.participant_id, goal_progress, now)
    await uow.emit(
        SessionCompleted(
            session_id=completed.session_id,
            match_id=completed.match_id,
            program_id=completed.program_id,
            participant_ids=list(completed.participant_ids),
            completed_at=now,
            reflections=[
                ProgressRating(participant_id=r.participant_id, progress_rating=r.progress_rating) for r in completed.reflections
            ],  # their words stay here
        )
    )
    if not was_missed:
        await schedule_next(uow, await uow.pairs.get(completed.match_id), completed, now)
    return completed


async def _record_progress(
    uow: SchedulingUnitOfWork, session: Session, participant_id: UUID, progress: dict[int, int], now: datetime
) -> None:
    pair = await uow.pairs.get(session.match_id)
    held = pair.agreed if pair else None
    if held is None:
        raise UnknownGoal("goal progress is recorded against an agreement, and this pair has none yet")
    agreement = next((a for a in await uow.agreements.history(session.match_id) if a.version == held.version), None)
    goals = len(agreement.terms.goals) if agreement else 0
    unknown = sorted(number for number in progress if not 1 <= number <= goals)
    if unknown:
        raise UnknownGoal(f"the agreement (version {held.version}) has goals 1 to {goals}, not {unknown}")
    await uow.agreements.record_progress(session.session_id, participant_id, held.version, progress, now)
