"""Scheduling domain: completing a session."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import Reflection
from mesh_scheduling.domain.session import AlreadyCompleted, NotInSession, Session, SessionStatus

NOW = datetime(2026, 1, 7, 18, tzinfo=UTC)


def session() -> Session:
    return Session(
        uuid.uuid4(), uuid.uuid4(), "p", (uuid.uuid4(), uuid.uuid4()), 1, NOW, NOW + timedelta(hours=1), "online", "weekly"
    )


def reflection(pid: uuid.UUID) -> Reflection:
    return Reflection(participant_id=pid, progress_rating=4, notes="Set goals for the term.")


def test_a_participant_completes_the_session_with_a_reflection() -> None:
    s = session()
    done = s.complete(reflection(s.participant_ids[1]), NOW)
    assert done.status is SessionStatus.COMPLETED and done.completed_at == NOW
    assert done.reflections[0].participant_id == s.participant_ids[1]


def test_outsiders_cannot_complete_and_nobody_completes_twice() -> None:
    s = session()
    with pytest.raises(NotInSession):
        s.complete(reflection(uuid.uuid4()), NOW)
    done = s.complete(reflection(s.participant_ids[0]), NOW)
    with pytest.raises(AlreadyCompleted):
        done.complete(reflection(s.participant_ids[1]), NOW)


def test_only_a_session_still_to_come_is_cancelled_and_a_cancelled_one_cannot_be_completed() -> None:
    s = session()
    cancelled = s.cancel(NOW)
    assert cancelled.status is SessionStatus.CANCELLED
    with pytest.raises(AlreadyCompleted, match="cancelled"):
        cancelled.complete(reflection(s.participant_ids[0]), NOW)
    with pytest.raises(AlreadyCompleted):
        s.complete(reflection(s.participant_ids[0]), NOW).cancel(NOW)
