"""Concrete times of weekly availability: the one place wall-clock slots meet time zones and DST."""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring_contracts.events.participants import WEEKDAYS, AvailabilitySlot

Window = tuple[datetime, datetime]


def windows_utc(slots: Iterable[AvailabilitySlot], time_zone: str, start: datetime, end: datetime) -> list[Window]:
    """Every occurrence of the weekly slots between ``start`` and ``end``, as UTC intervals, sorted.

    Each slot is read in the participant's own zone on each calendar day, so a 17:00 slot stays
    at 17:00 local across a DST change while its UTC time moves.
    """
    zone = ZoneInfo(time_zone)
    slots = list(slots)
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    found: list[Window] = []
    day = first_day
    while day <= last_day:
        weekday = WEEKDAYS[day.weekday()]
        for slot in slots:
            if slot.weekday == weekday:
                begin = _utc(day, slot.start, zone)
                finish = _utc(day, slot.end, zone)
                begin, finish = max(begin, start), min(finish, end)
                if begin < finish:
                    found.append((begin, finish))
        day += timedelta(days=1)
    return merge(found)


def merge(windows: Iterable[Window]) -> list[Window]:
    merged: list[Window] = []
    for begin, finish in sorted(windows):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def intersect(a: Sequence[Window], b: Sequence[Window]) -> list[Window]:
    """Intersection of two sorted, merged window lists (linear sweep)."""
    i = j = 0
    shared: list[Window] = []
    while i < len(a) and j < len(b):
        begin, finish = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if begin < finish:
            shared.append((begin, finish))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def _utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
