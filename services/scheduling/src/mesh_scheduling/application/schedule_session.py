"""Use cases: schedule a formed pair's first session, and each next one by their cadence."""

from datetime import UTC, datetime
from uuid import uuid4

import structlog

from mentoring_contracts import MatchAccepted, SessionScheduled
from mesh_scheduling.application.ports import SchedulingUnitOfWork
from mesh_scheduling.domain.pair import MINIMUM_NOTICE, Pair, first_common_slot
from mesh_scheduling.domain.session import Session

log = structlog.get_logger(__name__)


async def schedule_first_session(uow: SchedulingUnitOfWork, accepted: MatchAccepted,
                                 subjects: tuple[str | None, str | None] = (None, None),
                                 now: datetime | None = None) -> Session | None:
    """``subjects``: the pair's accounts (read from the profile service; events carry none)."""
    now = now or datetime.now(UTC)
    pair = Pair(accepted.match_id, accepted.program_id, (accepted.participants[0], accepted.participants[1]),
                subjects=subjects)
    if not await uow.pairs.add(pair):
        return None
    return await schedule_session(uow, pair, sequence=1, not_before=now + MINIMUM_NOTICE)


async def schedule_session(uow: SchedulingUnitOfWork, pair: Pair, *, sequence: int, not_before: datetime) -> Session | None:
    """None (and the pair flagged for a coordinator) when their availability never overlaps."""
    slot = first_common_slot(pair, not_before)
    if slot is None:
        reason = "no shared hour in both weekly availabilities within four weeks"
        await uow.pairs.mark_unschedulable(pair.match_id, reason)
        log.warning("pair cannot be scheduled automatically", match_id=str(pair.match_id), reason=reason)
        return None
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
            cadence=session.cadence,  # type: ignore[arg-type]
        )
    )
    return session
