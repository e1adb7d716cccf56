"""Weekly availability as a grid of one-hour cells (Monday..Sunday by 07:00..22:00, wider when a profile
already has times outside), in the participant's own time zone, and back to profile's availability slots
(weekday, local start and end, on quarter hours).

A cell is named ``<weekday>-<hour>``: ``mon-09`` is Monday 09:00-10:00. Ticked cells next to each other
on one day become one slot (09:00-12:00); a slot that is not on whole hours shows as every hour it
touches, so saving the grid rounds it out to whole hours (the page says so)."""

from dataclasses import dataclass
from typing import Any

from babel.dates import get_day_names

from mesh_web import i18n

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIRST_HOUR, LAST_HOUR = 7, 22  # the grid shows 07:00..22:00 unless a profile's times reach further
DAY_END = "23:45"  # a slot ends on the same day: the last hour of a day is kept as 23:00-23:45
MOST_SLOTS = 50  # as profile's weekly_availability


class BadCell(ValueError):
    """A cell name the grid never offers (a hand-made form)."""


@dataclass(frozen=True)
class Cell:
    value: str
    label: str  # "Monday 9:00 AM–10:00 AM": the checkbox's (visually hidden) label
    checked: bool


@dataclass(frozen=True)
class Row:
    hour: int
    label: str
    cells: list[Cell]


def parse(value: str) -> tuple[str, int]:
    day, _, hour = value.partition("-")
    if day not in DAYS or not hour.isdigit() or not 0 <= int(hour) <= 23:
        raise BadCell(value)
    return day, int(hour)


def cell(day: str, hour: int) -> str:
    return f"{day}-{hour:02d}"


def slots_of(cells: list[str]) -> list[dict[str, str]]:
    """The ticked cells as profile's slots, merged where hours follow each other; raises BadCell."""
    hours: dict[str, set[int]] = {day: set() for day in DAYS}
    for value in cells:
        day, hour = parse(value)
        hours[day].add(hour)
    slots = []
    for day in DAYS:
        run: list[int] = []
        for hour in sorted(hours[day]):
            if run and hour != run[-1] + 1:
                slots.append(_slot(day, run))
                run = []
            run.append(hour)
        if run:
            slots.append(_slot(day, run))
    return slots


def _slot(day: str, run: list[int]) -> dict[str, str]:
    end = run[-1] + 1
    return {"weekday": day, "start": f"{run[0]:02d}:00", "end": DAY_END if end == 24 else f"{end:02d}:00"}


def cells_of(slots: list[dict[str, Any]]) -> tuple[list[str], bool]:
    """Profile's slots as cells: every hour a slot touches. Also whether any slot was not on whole hours
    (so the grid shows it rounded out)."""
    found: list[str] = []
    rounded = False
    for slot in slots:
        day = slot.get("weekday")
        if day not in DAYS:
            continue
        start_hour, start_minute = _clock(slot.get("start", "00:00"))
        end_hour, end_minute = _clock(slot.get("end", "00:00"))
        if start_minute or (end_minute and f"{end_hour:02d}:{end_minute:02d}" != DAY_END):
            rounded = True
        last = end_hour if end_minute else end_hour - 1
        found += [cell(day, hour) for hour in range(start_hour, last + 1) if cell(day, hour) not in found]
    return found, rounded


def _clock(value: str) -> tuple[int, int]:
    hour, _, rest = str(value).partition(":")
    return int(hour), int(rest[:2] or 0)


def grid(checked: list[str]) -> list[Row]:
    """The rows to show (hours), each with a cell per day; the range widens to any hour ticked."""
    ticked = set()
    for value in checked:
        try:
            ticked.add(parse(value))
        except BadCell:
            continue
    first = min([FIRST_HOUR, *(hour for _, hour in ticked)])
    last = max([LAST_HOUR, *(hour + 1 for _, hour in ticked)])
    names = get_day_names("wide", locale=i18n.babel_locale())
    rows = []
    for hour in range(first, last):
        start, end = _label(hour), _label(hour + 1)
        rows.append(
            Row(
                hour,
                start,
                [Cell(cell(day, hour), f"{names[index]} {start}–{end}", (day, hour) in ticked) for index, day in enumerate(DAYS)],
            )
        )
    return rows


def columns() -> list[tuple[str, str]]:
    """Each day's short and full name, in the visitor's language: ("Mon", "Monday")."""
    locale = i18n.babel_locale()
    short, wide = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return [(short[index], wide[index]) for index in range(7)]


def _label(hour: int) -> str:
    return i18n.clock_time(f"{hour % 24:02d}:00")
