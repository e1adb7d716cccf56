"""Use cases: either of a pair moves a session, or confirms a new time the other proposed."""

from datetime import datetime
from uuid import UUID

from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.application.series import get_session, record_move
from mesh_scheduling.domain.recurrence import inside_both
from mesh_scheduling.domain.session import Session


async def move_session(uow: SchedulingUnitOfWork, session_id: UUID, by: UUID, starts_at: datetime) -> Session:
    """To a time inside both weekly availabilities: moved at once. Outside them: proposed, and
    moved when the other one confirms. The session keeps its length."""
    now = uow.clock.now()
    session = await get_session(uow, session_id)
    ends_at = starts_at + (session.ends_at - session.starts_at)
    pair = await uow.pairs.get(session.match_id)
    if pair is not None and inside_both(pair.members, starts_at, ends_at):
        return await record_move(uow, session, session.move(starts_at, ends_at, now), by)
    proposed = session.propose_move(starts_at, ends_at, by, now)
    await uow.sessions.save(proposed)
    return proposed


async def confirm_move(uow: SchedulingUnitOfWork, session_id: UUID, by: UUID) -> Session:
    """The other one of the pair agrees to the time proposed: the session moves there."""
    now = uow.clock.now()
    session = await get_session(uow, session_id)
    proposer = session.proposed_move.proposed_by if session.proposed_move else None
    return await record_move(uow, session, session.confirm_move(by, now), proposer)
