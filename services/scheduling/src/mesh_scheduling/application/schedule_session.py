"""Use case: formed pairs' first sessions, each of which starts its pair's recurring series. A run of
acceptances (a consumer's batch) is handled as a set: the pairs in one insert, the series' starts in
one update, the sessions in one insert, their events in one outbox write."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from mentoring_contracts import Event, MatchAccepted
from mesh_scheduling.application.ports import Cause, SchedulingUnitOfWork
from mesh_scheduling.application.series import new_session, scheduled, unschedulable
from mesh_scheduling.domain.pair import MINIMUM_NOTICE, Pair, first_common_slot
from mesh_scheduling.domain.session import Session

Subjects = tuple[str | None, str | None]


async def schedule_first_session(
    uow: SchedulingUnitOfWork, accepted: MatchAccepted, subjects: Subjects = (None, None)
) -> Session | None:
    """``subjects``: the pair's accounts (read from the profile service; events carry none). The
    first session is the first shared slot a day ahead; it starts the pair's series. A pair already
    known (MatchAccepted seen again) is scheduled once: None."""
    [session] = await schedule_first_sessions(uow, [(accepted, subjects, uow.cause)])
    return session


async def schedule_first_sessions(
    uow: SchedulingUnitOfWork, accepted: Sequence[tuple[MatchAccepted, Subjects, Cause]]
) -> list[Session | None]:
    """``schedule_first_session`` for each, in order; each SessionScheduled caused by its acceptance."""
    pairs = [
        Pair(event.match_id, event.program_id, (event.participants[0], event.participants[1]), subjects=subjects)
        for event, subjects, _ in accepted
    ]
    new = await uow.pairs.add_many(pairs)
    now = uow.clock.now()
    starts: list[tuple[UUID, datetime]] = []
    sessions: list[Session] = []
    events: list[tuple[Event, Cause]] = []
    made: list[Session | None] = []
    for pair, (_, _, cause) in zip(pairs, accepted, strict=True):
        slot = first_common_slot(pair, now + MINIMUM_NOTICE, pair.session_length) if pair.match_id in new else None
        if pair.match_id in new and slot is None:
            await unschedulable(uow, pair)
        new.discard(pair.match_id)  # the same acceptance twice in the run: once
        if slot is None:
            made.append(None)
            continue
        session = new_session(pair, sequence=1, occurrence=0, slot=slot)
        starts.append((pair.match_id, slot[0]))
        sessions.append(session)
        events.append((scheduled(session), cause))
        made.append(session)
    await uow.pairs.start_series_many(starts)
    await uow.sessions.add_many(sessions)
    await uow.emit_caused(events)
    return made
