"""A program's life: created, changed, closed once; a closed program takes no changes."""

from datetime import UTC, datetime, timedelta

import pytest

from mesh_profile.domain.program import ProgramClosedForChanges, ProgramStatus, create
from tests.unit.profile.test_eligibility import program

NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)


def test_created_changed_and_closed_each_with_its_event_and_a_new_version() -> None:
    created, event = create("stem", "northbridge", program(), ("cole",), NOW)
    assert event.name == "ProgramCreated" and event.definition == program() and created.version == 1
    changed, updated = created.update(program(name="STEM peers"), ("cole", "sara"), NOW + timedelta(days=1))
    assert updated.definition.name == "STEM peers" and changed.version == 2 and changed.coordinators == ("cole", "sara")
    closed, closing = changed.close("end of the year", NOW + timedelta(days=2))
    assert closing is not None and closing.reason == "end of the year" and closed.status is ProgramStatus.CLOSED
    assert closed.version == 3


def test_closing_twice_announces_once_and_a_closed_program_takes_no_change_nor_join() -> None:
    closed, _ = create("stem", "northbridge", program(), (), NOW)[0].close(None, NOW)
    again, event = closed.close("again", NOW + timedelta(hours=1))
    assert event is None and again == closed
    with pytest.raises(ProgramClosedForChanges, match="closed on 2026-12-04"):
        closed.update(program(), (), NOW)
    with pytest.raises(ProgramClosedForChanges):
        closed.require_open_for_joins()
