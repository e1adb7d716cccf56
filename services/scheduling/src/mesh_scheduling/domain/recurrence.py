"""A pair's sessions as one recurring series, by RFC 5545 rules (python-dateutil's rrule).

The series keeps the wall-clock time of its first session in the time zone of the pair's first
member, so a weekly 17:00 stays 17:00 there across daylight-saving changes while its UTC time
moves. An occurrence that no longer sits inside both weekly availabilities (the other member's
zone changed its clocks on another date) is moved to the first shared slot from that day on.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # python-dateutil ships no types; no stubs installed

from mentoring_contracts import ParticipantSchedule
from mentoring_contracts.availability import intersect, windows_utc

_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def rule_for(cadence: str, first_start_local: datetime) -> str | None:
    """The RRULE of a cadence, anchored on the first session; None for 'as needed' (no series)."""
    if cadence == "weekly":
        return "FREQ=WEEKLY;INTERVAL=1"
    if cadence == "biweekly":
        return "FREQ=WEEKLY;INTERVAL=2"
    if cadence == "monthly":  # the same weekday of the month: the 2nd Tuesday; the last one when it is a 5th
        nth = (first_start_local.day - 1) // 7 + 1
        return f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{_WEEKDAY_CODES[first_start_local.weekday()]}"
    return None


@dataclass(frozen=True, slots=True)
class Series:
    """``first_start``: the series' first occurrence, UTC; ``time_zone``: where its wall time is kept."""

    first_start: datetime
    time_zone: str
    cadence: str

    @property
    def rule(self) -> str | None:
        return rule_for(self.cadence, self.first_start.astimezone(ZoneInfo(self.time_zone)))

    def occurrence(self, index: int) -> datetime | None:
        """The start of occurrence ``index`` (0 is the first), UTC; None when the series does not recur."""
        rule = self.rule
        if rule is None:
            return None if index else self.first_start
        local = self.first_start.astimezone(ZoneInfo(self.time_zone))
        for position, start in enumerate(rrulestr(rule, dtstart=local)):
            if position == index:
                return start.astimezone(self.first_start.tzinfo)
        return None  # pragma: no cover - the rules above never end

    def first_index_from(self, moment: datetime) -> int | None:
        """The index of the first occurrence starting at or after ``moment``."""
        rule = self.rule
        if rule is None:
            return None
        local = self.first_start.astimezone(ZoneInfo(self.time_zone))
        for position, start in enumerate(rrulestr(rule, dtstart=local)):
            if start >= moment:
                return position
        return None  # pragma: no cover


def shared_windows(
    members: tuple[ParticipantSchedule, ParticipantSchedule], start: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    a, b = members
    return intersect(
        windows_utc(a.weekly_availability, a.time_zone, start, until),
        windows_utc(b.weekly_availability, b.time_zone, start, until),
    )


def inside_both(members: tuple[ParticipantSchedule, ParticipantSchedule], start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one window both members are available in, each in their zone."""
    return any(
        begin <= start and end <= finish
        for begin, finish in shared_windows(members, start - timedelta(days=1), end + timedelta(days=1))
    )
