"""Not a use case: what the use cases that change a pair's sessions share. A pair's sessions form one
recurring series; each one done, missed or cancelled makes way for the next, and each change is told
by the event its calendar copies follow."""

from datetime import datetime
from uuid import UUID, uuid4

import structlog

from mentoring_contracts import SessionCancelled, SessionRescheduled, SessionScheduled
from mesh_scheduling.application.errors import SessionNotFound
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.domain.pair import MINIMUM_NOTICE, NoSharedTime, Pair, first_common_slot
from mesh_scheduling.domain.session import Session

log = structlog.get_logger(__name__)
NO_SHARED_TIME = "no shared hour in both weekly availabilities within four weeks"


async def get_session(uow: SchedulingUnitOfWork, session_id: UUID) -> Session:
    """The session, locked for the change; SessionNotFound when there is none here."""
    session = await uow.sessions.get_for_update(session_id)
    if session is None:
        raise SessionNotFound(f"no session {session_id}")
    return session


async def start_series(uow: SchedulingUnitOfWork, pair: Pair, *, sequence: int, now: datetime) -> Session | None:
    """A series begins at the first shared slot a day ahead (a new pair, or a new agreement with no session to come)."""
    slot = first_common_slot(pair, now + MINIMUM_NOTICE, pair.session_length)
    if slot is None:
        await unschedulable(uow, pair)
        return None
    await uow.pairs.start_series(pair.match_id, slot[0])
    return await add_session(uow, pair, sequence=sequence, occurrence=0, slot=slot)


async def schedule_next(uow: SchedulingUnitOfWork, pair: Pair | None, after: Session, now: datetime) -> Session | None:
    """After a session is done, missed or cancelled: the series' next occurrence, once.

    Nothing when a later session already exists (a missed session recorded as done after all),
    for 'as needed', an ended pair or a mentorship past its agreed end."""
    if pair is None or pair.ended_at is not None:
        return None
    latest = await uow.sessions.latest(pair.match_id)
    if latest is not None and latest.sequence > after.sequence:
        return None
    if pair.series_start is None:  # a pair from before series: its series starts at this session
        await uow.pairs.start_series(pair.match_id, after.starts_at)
        pair = Pair(pair.match_id, pair.program_id, pair.members, pair.ended_at, pair.subjects, pair.agreed, after.starts_at)
        after_occurrence = 0
    else:
        after_occurrence = after.occurrence
    try:
        planned = pair.next_slot(after_occurrence, now)
    except NoSharedTime:
        await unschedulable(uow, pair)
        return None
    if planned is None:
        return None
    occurrence, starts_at, ends_at = planned
    return await add_session(uow, pair, sequence=after.sequence + 1, occurrence=occurrence, slot=(starts_at, ends_at))


async def add_session(
    uow: SchedulingUnitOfWork, pair: Pair, *, sequence: int, occurrence: int, slot: tuple[datetime, datetime]
) -> Session:
    session = new_session(pair, sequence=sequence, occurrence=occurrence, slot=slot)
    await uow.sessions.add(session)
    await uow.emit(scheduled(session))
    return session


def new_session(pair: Pair, *, sequence: int, occurrence: int, slot: tuple[datetime, datetime]) -> Session:
    return Session(
        session_id=uuid4(),
        match_id=pair.match_id,
        program_id=pair.program_id,
        participant_ids=pair.participant_ids,
        sequence=sequence,
        starts_at=slot[0],
        ends_at=slot[1],
        meeting_mode=pair.meeting_mode,
        cadence=pair.cadence,
        occurrence=occurrence,
    )


def scheduled(session: Session) -> SessionScheduled:
    return SessionScheduled(
        session_id=session.session_id,
        match_id=session.match_id,
        program_id=session.program_id,
        participant_ids=list(session.participant_ids),
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        meeting_mode=session.meeting_mode,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
        cadence=session.cadence,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
        occurrence=session.occurrence,
    )


async def record_move(uow: SchedulingUnitOfWork, before: Session, after: Session, by: UUID | None) -> Session:
    """A session moved to its new time (by one of the pair, or by a new agreement: ``by`` None)."""
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
            meeting_mode=after.meeting_mode,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
        )
    )
    return after


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


async def unschedulable(uow: SchedulingUnitOfWork, pair: Pair) -> None:
    """Flagged for a coordinator: their availability never overlaps."""
    await uow.pairs.mark_unschedulable(pair.match_id, NO_SHARED_TIME)
    log.warning("pair cannot be scheduled automatically", match_id=str(pair.match_id), reason=NO_SHARED_TIME)
