"""Use cases: either of a pair moves a session, or confirms a new time the other proposed."""

from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import SessionRescheduled
from mesh_scheduling.application.complete_session import get_session
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.domain.recurrence import inside_both
from mesh_scheduling.domain.session import Session


async def move_session(
    uow: SchedulingUnitOfWork, session_id: UUID, by: UUID, starts_at: datetime, now: datetime | None = None
) -> Session:
    """To a time inside both weekly availabilities: moved at once. Outside them: proposed, and
    moved when the other one confirms. The session keeps its length."""
    now = now or datetime.now(UTC)
    session = await get_session(uow, session_id)
    ends_at = starts_at + (session.ends_at - session.starts_at)
    pair = await uow.pairs.get(session.match_id)
    if pair is not None and inside_both(pair.members, starts_at, ends_at):
        return await record_move(uow, session, session.move(starts_at, ends_at, now), by)
    proposed = session.propose_move(starts_at, ends_at, by, now)
    await uow.sessions.save(proposed)
    return proposed


async def confirm_move(uow: SchedulingUnitOfWork, session_id: UUID, by: UUID, now: datetime | None = None) -> Session:
    now = now or datetime.now(UTC)
    session = await get_session(uow, session_id)
    proposer = session.proposed_move.proposed_by if session.proposed_move else None
    return await record_move(uow, session, session.confirm_move(by, now), proposer)


async def record_move(uow: SchedulingUnitOfWork, before: Session, after: Session, by: UUID | None) -> Session:
    await uow.sessions.save(after)
    await uow.emit(
        SessionRescheduled(
            session_id=after.session_id,
            match_id=after.match_id,
            program_id=after.program_id,
            participant_ids=list(after.participant_ids),
            starts_at=after.starts_at,
            ends_at=after.ends_at,
            previous_starts_at=before.starts_at,
            rescheduled_by=by,
            revision=after.revision,
            meeting_mode=after.meeting_mode,
        )
    )  # type: ignore[arg-type]
    return after
