"""Which weeks a program's health shows, week by week.

Rules: a week starts on Monday (UTC dates, as sessions are counted). A program with a term that
covers today shows that term's weeks, from the week of its first day to this week (no week to come:
a week not yet lived is not a week with no sessions); of several such terms, the one that started
last. Any other program shows the last ``RECENT_WEEKS`` weeks, this week included. Every week is
shown, those with no session too."""

from dataclasses import dataclass
from datetime import date, timedelta

RECENT_WEEKS = 16


@dataclass(frozen=True, slots=True)
class TermDates:
    term_id: str
    name: str
    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class WeeksShown:
    first_week: date  # a Monday
    last_week: date  # a Monday: this week's
    term: TermDates | None  # None: the last RECENT_WEEKS weeks

    def mondays(self) -> list[date]:
        weeks = (self.last_week - self.first_week).days // 7 + 1
        return [self.first_week + timedelta(weeks=n) for n in range(weeks)]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_shown(terms: list[TermDates], today: date) -> WeeksShown:
    covering = [term for term in terms if term.covers(today)]
    if covering:
        term = max(covering, key=lambda t: (t.starts_on, t.term_id))
        return WeeksShown(monday_of(term.starts_on), monday_of(today), term)
    return WeeksShown(monday_of(today) - timedelta(weeks=RECENT_WEEKS - 1), monday_of(today), None)
