"""Scheduling domain: first shared slot, meeting mode, cadence and the recurring series of a pair."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from mentoring_contracts import ParticipantSchedule
from mesh_scheduling.domain.pair import AgreedTerms, NoSharedTime, Pair, first_common_slot
from mesh_scheduling.domain.recurrence import rule_for


def member(**overrides) -> ParticipantSchedule:
    data = {
        "participant_id": uuid.uuid4(),
        "role": "mentor",
        "campus": "north",
        "time_zone": "Europe/Berlin",
        "weekly_availability": [{"weekday": "wed", "start": "17:00", "end": "20:00"}],
        "meeting_modes": ["online", "in_person"],
        "preferred_cadence": "weekly",
    }
    return ParticipantSchedule.model_validate(data | overrides)


def pair(a: ParticipantSchedule, b: ParticipantSchedule) -> Pair:
    return Pair(uuid.uuid4(), "p", (a, b))


def test_first_slot_is_inside_both_availabilities_in_their_own_zones() -> None:
    berlin = member()  # Wed 17-20 Berlin = 16-19 UTC in winter
    new_york = member(
        time_zone="America/New_York", weekly_availability=[{"weekday": "wed", "start": "12:30", "end": "16:00"}]
    )  # 17:30-21 UTC
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


BERLIN = member(
    weekly_availability=[
        {"weekday": "wed", "start": "19:00", "end": "21:00"},
        {"weekday": "thu", "start": "18:00", "end": "21:00"},
    ]
)
NEW_YORK = member(
    time_zone="America/New_York",
    weekly_availability=[
        {"weekday": "wed", "start": "13:00", "end": "14:00"},
        {"weekday": "thu", "start": "13:00", "end": "15:00"},
    ],
)
SERIES_START = datetime(2026, 1, 7, 18, tzinfo=UTC)  # Wed 19:00 Berlin, 13:00 New York


def series_pair(cadence: str = "weekly", **agreed) -> Pair:
    terms = AgreedTerms(1, cadence, "online", 60, agreed.get("runs_until")) if agreed or cadence != "weekly" else None
    return Pair(uuid.uuid4(), "p", (BERLIN, NEW_YORK), agreed=terms, series_start=SERIES_START)


def test_the_series_keeps_its_wall_clock_time_across_daylight_saving() -> None:
    # EU clocks move on 29 March 2026: 19:00 Berlin is 18:00 UTC before, 17:00 UTC after.
    assert series_pair().next_slot(11, now=datetime(2026, 3, 20, tzinfo=UTC)) == (
        12,
        datetime(2026, 4, 1, 17, tzinfo=UTC),
        datetime(2026, 4, 1, 18, tzinfo=UTC),
    )


def test_an_occurrence_outside_the_partners_availability_moves_to_the_first_shared_slot() -> None:
    # 11 March 2026: New York is on summer time already, Berlin not yet; 18:00 UTC is 14:00 in New
    # York, past its Wednesday hour; Thursday 13:00 New York = 18:00 Berlin is shared.
    assert series_pair().next_slot(8, now=datetime(2026, 3, 1, tzinfo=UTC)) == (
        9,
        datetime(2026, 3, 12, 17, tzinfo=UTC),
        datetime(2026, 3, 12, 18, tzinfo=UTC),
    )


def test_the_next_occurrence_is_never_without_a_days_notice() -> None:
    index, start, _ = series_pair().next_slot(0, now=datetime(2026, 1, 20, 19, tzinfo=UTC))
    assert (index, start) == (3, datetime(2026, 1, 28, 18, tzinfo=UTC))  # 21 Jan 18:00 is under 24 h away


def test_cadences_are_rfc_5545_rules() -> None:
    assert series_pair("biweekly").next_slot(0, now=SERIES_START)[1] == datetime(2026, 1, 21, 18, tzinfo=UTC)
    # monthly: the same weekday of the month (7 January is the first Wednesday: 4 February)
    assert rule_for("monthly", datetime(2026, 1, 7, 19)) == "FREQ=MONTHLY;BYDAY=1WE"
    assert rule_for("monthly", datetime(2026, 1, 29, 19)) == "FREQ=MONTHLY;BYDAY=-1TH"
    assert series_pair("monthly").next_slot(0, now=SERIES_START)[1] == datetime(2026, 2, 4, 18, tzinfo=UTC)
    assert series_pair("as_needed").next_slot(0, now=SERIES_START) is None


def test_no_session_past_the_agreed_end_and_an_agreement_sets_length_and_mode() -> None:
    ending = series_pair("weekly", runs_until=date(2026, 1, 20))
    assert ending.next_slot(0, now=SERIES_START)[1] == datetime(2026, 1, 14, 18, tzinfo=UTC)
    assert ending.next_slot(1, now=SERIES_START) is None  # 21 January is past it
    assert ending.session_length == timedelta(minutes=60) and ending.meeting_mode == "online"


def test_a_pair_sharing_no_time_before_the_next_occurrence_says_so() -> None:
    only_wednesday = member(
        time_zone="America/New_York", weekly_availability=[{"weekday": "wed", "start": "13:00", "end": "14:00"}]
    )
    stuck = Pair(uuid.uuid4(), "p", (BERLIN, only_wednesday), series_start=SERIES_START)
    with pytest.raises(NoSharedTime):
        stuck.next_slot(8, now=datetime(2026, 3, 1, tzinfo=UTC))
