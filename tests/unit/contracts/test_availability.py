"""Weekly availability read in each person's own zone, across DST."""

from datetime import UTC, datetime

from mentoring_contracts import AvailabilitySlot
from mentoring_contracts.availability import intersect, windows_utc


def slot(day: str, start: str, end: str) -> AvailabilitySlot:
    return AvailabilitySlot.model_validate({"weekday": day, "start": start, "end": end})


def test_slots_become_utc_windows_in_the_participants_zone() -> None:
    start, end = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 12, tzinfo=UTC)  # Mon..Mon, winter
    windows = windows_utc([slot("mon", "17:00", "19:00")], "Europe/Berlin", start, end)
    assert windows == [(datetime(2026, 1, 5, 16, tzinfo=UTC), datetime(2026, 1, 5, 18, tzinfo=UTC))]


def test_a_local_slot_moves_in_utc_across_a_dst_change() -> None:
    # Berlin moves to summer time on Sunday 29 March 2026.
    start, end = datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 4, 6, tzinfo=UTC)
    windows = windows_utc([slot("mon", "17:00", "18:00")], "Europe/Berlin", start, end)
    assert [w[0].hour for w in windows] == [16, 15]


def test_intersection_across_time_zones() -> None:
    start, end = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 12, tzinfo=UTC)
    berlin = windows_utc([slot("mon", "17:00", "20:00")], "Europe/Berlin", start, end)  # 16-19 UTC
    new_york = windows_utc([slot("mon", "12:00", "15:00")], "America/New_York", start, end)  # 17-20 UTC
    assert intersect(berlin, new_york) == [(datetime(2026, 1, 5, 17, tzinfo=UTC), datetime(2026, 1, 5, 19, tzinfo=UTC))]
