"""A pair's series of sessions, use case by use case, on the in-memory unit of work: the first
session, the next after each one done, missed or cancelled, moves, and the end of the pair."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import (
    MatchAccepted,
    MatchEnded,
    ParticipantSchedule,
    Reflection,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)
from mesh_scheduling.application.cancel_session import cancel_session
from mesh_scheduling.application.complete_session import complete_session
from mesh_scheduling.application.end_pair import end_pair
from mesh_scheduling.application.errors import AlreadyCompleted, NotInSession, NotMovable, SessionNotFound
from mesh_scheduling.application.mark_missed import mark_missed
from mesh_scheduling.application.move_session import confirm_move, move_session
from mesh_scheduling.application.schedule_session import schedule_first_session
from mesh_scheduling.domain.session import Session, SessionStatus
from tests.support.fakes.scheduling import FakeSchedulingUnitOfWork

# The fake's clock: Monday 2 March 2026, 09:00 UTC. Both members are free on weekdays 17:00-20:00
# in their own zones (Berlin, London): the shared hours are 17:00-19:00 UTC until the clocks change.
FIRST_START = datetime(2026, 3, 3, 17, tzinfo=UTC)  # the first shared slot a day ahead: Tuesday
WEEK = timedelta(days=7)


def member(time_zone: str, **overrides) -> ParticipantSchedule:
    return ParticipantSchedule.model_validate(
        {
            "participant_id": uuid.uuid4(),
            "role": "peer",
            "campus": "north",
            "time_zone": time_zone,
            "weekly_availability": [
                {"weekday": d, "start": "17:00", "end": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")
            ],
            "meeting_modes": ["online"],
            "preferred_cadence": "weekly",
        }
        | overrides
    )


def accepted(*members: ParticipantSchedule) -> MatchAccepted:
    return MatchAccepted(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="peer",
        participants=list(members) or [member("Europe/Berlin"), member("Europe/London")],
        accepted_at=datetime(2026, 3, 2, 8, tzinfo=UTC),
    )


async def formed(uow: FakeSchedulingUnitOfWork) -> tuple[MatchAccepted, Session]:
    event = accepted()
    first = await schedule_first_session(uow, event, ("alice", "bob"))
    assert first is not None
    return event, first


def reflection(participant_id: uuid.UUID, notes: str = "Worked through two past papers.") -> Reflection:
    return Reflection(participant_id=participant_id, progress_rating=4, notes=notes)


async def test_a_formed_pair_gets_its_first_session_at_the_first_shared_slot_a_day_ahead_once() -> None:
    uow = FakeSchedulingUnitOfWork()
    event = accepted()
    first = await schedule_first_session(uow, event, ("alice", "bob"))
    assert first is not None
    assert (first.sequence, first.occurrence, first.starts_at, first.ends_at) == (
        1,
        0,
        FIRST_START,
        FIRST_START + timedelta(hours=1),
    )
    assert (first.meeting_mode, first.cadence) == ("online", "weekly")
    pair = uow.pairs.by_match[event.match_id]
    assert pair.series_start == FIRST_START and pair.subjects == ("alice", "bob")
    assert [type(e) for e in uow.emitted] == [SessionScheduled]
    assert uow.emitted[0].starts_at == FIRST_START and uow.emitted[0].participant_ids == list(first.participant_ids)
    assert await schedule_first_session(uow, event, ("alice", "bob")) is None  # MatchAccepted again: scheduled once
    assert len(uow.sessions.by_id) == 1 and len(uow.emitted) == 1


async def test_a_pair_with_no_shared_hour_is_flagged_for_a_coordinator_and_nothing_is_scheduled() -> None:
    uow = FakeSchedulingUnitOfWork()
    sunday_only = member("Europe/London", weekly_availability=[{"weekday": "sun", "start": "08:00", "end": "09:00"}])
    event = accepted(member("Europe/Berlin"), sunday_only)
    assert await schedule_first_session(uow, event) is None
    assert "no shared hour" in uow.pairs.unschedulable[event.match_id]
    assert uow.emitted == [] and uow.sessions.by_id == {}


async def test_completing_a_session_records_it_and_schedules_the_series_next_a_week_on() -> None:
    uow = FakeSchedulingUnitOfWork()
    event, first = await formed(uow)
    b = first.participant_ids[1]
    uow.clock.at = FIRST_START + timedelta(hours=2)
    done = await complete_session(uow, first.session_id, reflection(b))
    assert done.status is SessionStatus.COMPLETED and done.completed_at == uow.clock.now()
    assert uow.emitted_types() == ["SessionScheduled", "SessionCompleted", "SessionScheduled"]
    completed = uow.emitted[1]
    assert isinstance(completed, SessionCompleted) and completed.completed_at == uow.clock.now()
    assert "notes" not in completed.model_dump()["reflections"][0]  # their words stay here
    second = uow.sessions.of_match(event.match_id)[1]
    assert (second.sequence, second.occurrence, second.starts_at) == (2, 1, FIRST_START + WEEK)
    with pytest.raises(AlreadyCompleted):
        await complete_session(uow, first.session_id, reflection(b))
    with pytest.raises(NotInSession):
        await complete_session(uow, second.session_id, reflection(uuid.uuid4()))
    with pytest.raises(SessionNotFound):
        await complete_session(uow, uuid.uuid4(), reflection(b))
    assert len(uow.emitted) == 3


async def test_a_move_inside_both_availabilities_holds_at_once() -> None:
    uow = FakeSchedulingUnitOfWork()
    _, first = await formed(uow)
    a = first.participant_ids[0]
    wednesday = FIRST_START + timedelta(days=1)
    moved = await move_session(uow, first.session_id, a, wednesday)
    assert (moved.starts_at, moved.ends_at, moved.revision, moved.proposed_move) == (
        wednesday,
        wednesday + timedelta(hours=1),
        1,
        None,
    )
    assert uow.sessions.by_id[first.session_id] == moved
    rescheduled = uow.emitted[-1]
    assert isinstance(rescheduled, SessionRescheduled)
    assert (rescheduled.previous_starts_at, rescheduled.starts_at, rescheduled.rescheduled_by, rescheduled.revision) == (
        FIRST_START,
        wednesday,
        a,
        1,
    )


async def test_a_move_outside_them_waits_for_the_other_one_to_confirm_it() -> None:
    uow = FakeSchedulingUnitOfWork()
    _, first = await formed(uow)
    a, b = first.participant_ids
    early = FIRST_START.replace(hour=6) + timedelta(days=1)  # nobody offered 06:00
    proposed = await move_session(uow, first.session_id, a, early)
    assert proposed.starts_at == FIRST_START and proposed.revision == 0
    assert proposed.proposed_move is not None and (proposed.proposed_move.starts_at, proposed.proposed_move.proposed_by) == (
        early,
        a,
    )
    assert uow.emitted_types() == ["SessionScheduled"]  # nothing moved yet
    with pytest.raises(NotMovable):
        await confirm_move(uow, first.session_id, a)  # not by who proposed it
    confirmed = await confirm_move(uow, first.session_id, b)
    assert (confirmed.starts_at, confirmed.revision, confirmed.proposed_move) == (early, 1, None)
    assert isinstance(uow.emitted[-1], SessionRescheduled) and uow.emitted[-1].rescheduled_by == a
    with pytest.raises(NotMovable):
        await confirm_move(uow, first.session_id, b)  # nothing waits any more
    with pytest.raises(NotMovable):
        await move_session(uow, first.session_id, a, uow.clock.now() - timedelta(hours=1))  # into the past


async def test_cancelling_keeps_the_reason_here_and_the_series_goes_on() -> None:
    uow = FakeSchedulingUnitOfWork()
    event, first = await formed(uow)
    a = first.participant_ids[0]
    with pytest.raises(NotInSession):
        await cancel_session(uow, first.session_id, uuid.uuid4(), "not mine")
    cancelled = await cancel_session(uow, first.session_id, a, "exam moved")
    assert (cancelled.status, cancelled.revision, cancelled.cancelled_by, cancelled.cancel_reason) == (
        SessionStatus.CANCELLED,
        1,
        a,
        "exam moved",
    )
    assert uow.emitted_types() == ["SessionScheduled", "SessionCancelled", "SessionScheduled"]
    told = uow.emitted[1]
    assert isinstance(told, SessionCancelled) and told.cancelled_by == a and told.cancelled_at == uow.clock.now()
    assert "exam moved" not in told.model_dump_json()  # their words, never on an event
    assert [s.starts_at for s in uow.sessions.of_match(event.match_id)] == [FIRST_START, FIRST_START + WEEK]
    with pytest.raises(AlreadyCompleted):
        await cancel_session(uow, first.session_id, a, "twice")


async def test_a_session_nobody_recorded_becomes_missed_after_the_grace_and_may_still_be_recorded() -> None:
    uow = FakeSchedulingUnitOfWork()
    event, first = await formed(uow)
    uow.clock.at = first.ends_at + timedelta(hours=47)
    assert await mark_missed(uow) == 0  # within the 48 hours' grace
    uow.clock.at = first.ends_at + timedelta(hours=49)
    assert await mark_missed(uow) == 1
    assert await mark_missed(uow) == 0  # once
    missed = uow.emitted[1]
    assert isinstance(missed, SessionMissed) and missed.recorded_at == uow.clock.now() and missed.missed_by == []
    assert [s.status for s in uow.sessions.of_match(event.match_id)] == [SessionStatus.MISSED, SessionStatus.SCHEDULED]
    it_happened = await complete_session(uow, first.session_id, reflection(first.participant_ids[1], "We met after all."))
    assert it_happened.status is SessionStatus.COMPLETED
    assert len(uow.sessions.of_match(event.match_id)) == 2  # its next was set when it was missed
    assert uow.emitted_types() == ["SessionScheduled", "SessionMissed", "SessionScheduled", "SessionCompleted"]


async def test_an_ended_pair_has_its_upcoming_sessions_cancelled_and_gets_no_new_ones() -> None:
    uow = FakeSchedulingUnitOfWork()
    event, first = await formed(uow)
    ended = MatchEnded(
        match_id=event.match_id,
        program_id="p",
        participant_ids=list(first.participant_ids),
        outcome="ended_early",
        ended_by=first.participant_ids[0],
        ended_at=uow.clock.now(),
    )
    assert await end_pair(uow, ended) == 1
    assert uow.pairs.by_match[event.match_id].ended_at == uow.clock.now()
    session = uow.sessions.by_id[first.session_id]
    assert session.status is SessionStatus.CANCELLED and session.cancelled_by is None  # by the platform
    assert uow.emitted_types() == ["SessionScheduled", "SessionCancelled"]
    with pytest.raises(AlreadyCompleted):
        await complete_session(uow, first.session_id, reflection(first.participant_ids[0]))
    uow.clock.advance(WEEK)
    assert await mark_missed(uow) == 0 and len(uow.sessions.by_id) == 1
