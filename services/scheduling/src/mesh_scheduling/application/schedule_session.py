"""Use cases: schedule a formed pair's first session, and each next one of its recurring series."""

from datetime import UTC, datetime
from uuid import uuid4

import structlog

from mentoring_contracts import MatchAccepted, SessionScheduled
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.domain.pair import MINIMUM_NOTICE, NoSharedTime, Pair, first_common_slot
from mesh_scheduling.domain.session import Session

log = structlog.get_logger(__name__)
NO_SHARED_TIME = "no shared hour in both weekly availabilities within four weeks"


async def schedule_first_session(
    uow: SchedulingUnitOfWork,
    accepted: MatchAccepted,
    subjects: tuple[str | None, str | None] = (None, None),
    now: datetime | None = None,
) -> Session | None:
    """``subjects``: the pair's accounts (read from the profile service; events carry none). The
    first session is the first shared slot a day ahead; it starts the pair's series."""
    now = now or datetime.now(UTC)
    pair = Pair(accepted.match_id, accepted.program_id, (accepted.participants[0], accepted.participants[1]), subjects=subjects)
    if not await uow.pairs.add(pair):
        return None
    return await start_series(uow, pair, sequence=1, now=now)


async def start_series(uow: SchedulingUnitOfWork, pair: Pair, *, sequence: int, now: datetime) -> Session | None:
    """A series begins at the first shared slot a day ahead (a new pair, or a new agreement with no session to come)."""
    slot = first_common_slot(pair, now + MINIMUM_NOTICE, pair.session_length)
    if slot is None:
        await _unschedulable(uow, pair)
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
        await _unschedulable(uow, pair)
        return None
    if planned is None:
        return None
    occurrence, starts_at, ends_at = planned
    return await add_session(uow, pair, sequence=after.sequence + 1, occurrence=occurrence, slot=(starts_at, ends_at))


async def add_session(
    uow: SchedulingUnitOfWork, pair: Pair, *, sequence: int, occurrence: int, slot: tuple[datetime, datetime]
) -> Session:
    session = Session(
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
    await uow.sessions.add(session)
    await uow.emit(
        SessionScheduled(
            session_id=session.session_id,
            match_id=session.match_id,
            program_id=session.program_id,
            participant_ids=list(session.participant_ids),
            sequence=session.sequence,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            meeting_mode=session.meeting_mode,  # type: ignore[arg-type]
            cadence=session.cadence,
            occurrence=session.occurrence,  # type: ignore[arg-type]
        )
    )
    return session


async def _unschedulable(uow: SchedulingUnitOfWork, pair: Pair) -> None:
    """Flagged for a coordinator: their availability never overlaps."""
    await uow.pairs.mark_unschedulable(pair.match_id, NO_SHARED_TIME)
    log.warning("pair cannot be scheduled automatically", match_id=str(pair.match_id), reason=NO_SHARED_TIME)
