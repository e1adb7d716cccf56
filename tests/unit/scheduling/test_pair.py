"""Scheduling domain: first shared slot, meeting mode and cadence of a pair."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import ParticipantSchedule
from mesh_scheduling.domain.pair import Pair, first_common_slot


def member(**overrides) -> ParticipantSchedule:
    data = {
        "participant_id": uuid.uuid4(), "role": "mentor", "campus": "north", "time_zone": "Europe/Berlin",
        "weekly_availability": [{"weekday": "wed", "start": "17:00", "end": "20:00"}],
        "meeting_modes": ["online", "in_person"], "preferred_cadence": "weekly",
    }
    return ParticipantSchedule.model_validate(data | overrides)


def pair(a: ParticipantSchedule, b: ParticipantSchedule) -> Pair:
    return Pair(uuid.uuid4(), "p", (a, b))


def test_first_slot_is_inside_both_availabilities_in_their_own_zones() -> None:
    berlin = member()  # Wed 17-20 Berlin = 16-19 UTC in winter
    new_york = member(time_zone="America/New_York",
                      weekly_availability=[{"weekday": "wed", "start": "12:30", "end": "16:00"}])  # 17:30-21 UTC
    not_before = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday
    start, end = first_common_slot(pair(berlin, new_york), not_before)
    assert start == datetime(2026, 1, 7, 17, 30, tzinfo=UTC)
    assert end - start == timedelta(hours=1)


def test_no_slot_when_the_shared_window_is_shorter_than_a_session() -> None:
    a = member(weekly_availability=[{"weekday": "wed", "start": "17:00", "end": "17:45"}])
    assert first_common_slot(pair(a, member()), datetime(2026, 1, 5, tzinfo=UTC)) is None


def test_start_respects_not_before_and_rounds_to_a_quarter_hour() -> None:
    not_before = datetime(2026, 1, 7, 16, 5, tzinfo=UTC)  # inside Wednesday's window
    start, _ = first_common_slot(pair(member(), member()), not_before)
    assert start == datetime(2026, 1, 7, 16, 15, tzinfo=UTC)


def test_meeting_mode_and_cadence_rules() -> None:
    same_campus = pair(member(), member(preferred_cadence="monthly"))
    assert same_campus.meeting_mode == "in_person"
    assert same_campus.cadence == "monthly"  # the less frequent preference
    assert pair(member(), member(campus="south")).meeting_mode == "online"
    assert pair(member(), member(meeting_modes=["online"])).meeting_mode == "online"


def test_next_session_follows_the_cadence_but_never_without_notice() -> None:
    weekly = pair(member(), member())
    start, now = datetime(2026, 1, 7, 16, tzinfo=UTC), datetime(2026, 1, 7, 18, tzinfo=UTC)
    assert weekly.next_not_before(start, now) == start + timedelta(days=7)
    late = datetime(2026, 1, 20, tzinfo=UTC)
    assert weekly.next_not_before(start, late) == late + timedelta(hours=24)
    assert pair(member(preferred_cadence="as_needed"), member()).next_not_before(start, now) is None
