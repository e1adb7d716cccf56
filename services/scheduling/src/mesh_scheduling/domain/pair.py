"""A formed pair as scheduling sees it, and how it agrees on how and how often to meet."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from mentoring_contracts import ParticipantSchedule
from mentoring_contracts.availability import intersect, windows_utc

SESSION_LENGTH = timedelta(hours=1)
MINIMUM_NOTICE = timedelta(hours=24)
SEARCH_HORIZON = timedelta(days=28)
_CADENCE_INTERVAL = {"weekly": timedelta(days=7), "biweekly": timedelta(days=14), "monthly": timedelta(days=28)}
_CADENCE_ORDER = ("weekly", "biweekly", "monthly", "as_needed")


@dataclass(frozen=True, slots=True)
class Pair:
    match_id: UUID
    program_id: str
    members: tuple[ParticipantSchedule, ParticipantSchedule]
    ended_at: datetime | None = None
    subjects: tuple[str | None, str | None] = (None, None)  # each member's account: who may act on their sessions

    @property
    def participant_ids(self) -> tuple[UUID, UUID]:
        return (self.members[0].participant_id, self.members[1].participant_id)

    @property
    def cadence(self) -> str:
        """The less frequent of the two preferences: no one is asked to meet more than they offered."""
        return max((m.preferred_cadence for m in self.members), key=_CADENCE_ORDER.index)

    @property
    def meeting_mode(self) -> str:
        """In person when both accept it and share a campus; otherwise online."""
        a, b = self.members
        if "in_person" in a.meeting_modes and "in_person" in b.meeting_modes and a.campus.casefold() == b.campus.casefold():
            return "in_person"
        return "online"

    def next_not_before(self, previous_start: datetime, now: datetime) -> datetime | None:
        """When the next session may start after one at ``previous_start``; None for 'as needed' or an ended pair."""
        interval = _CADENCE_INTERVAL.get(self.cadence)
        if interval is None or self.ended_at is not None:
            return None
        return max(previous_start + interval, now + MINIMUM_NOTICE)


def first_common_slot(
    pair: Pair, not_before: datetime, length: timedelta = SESSION_LENGTH, horizon: timedelta = SEARCH_HORIZON
) -> tuple[datetime, datetime] | None:
    """Earliest start, on a quarter hour, inside both participants' weekly availability, each
    read in their own time zone; None when they share no window of ``length`` within ``horizon``."""
    until = not_before + horizon
    a, b = pair.members
    shared = intersect(
        windows_utc(a.weekly_availability, a.time_zone, not_before, until),
        windows_utc(b.weekly_availability, b.time_zone, not_before, until),
    )
    for begin, finish in shared:
        start = _ceil_quarter_hour(begin)
        if start + length <= finish:
            return start, start + length
    return None


def _ceil_quarter_hour(moment: datetime) -> datetime:
    floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floored if floored == moment else floored + timedelta(minutes=15)
