"""A formed pair as scheduling sees it, and how and how often it meets: by its confirmed
agreement once it has one, before that by the two members' preferences."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from mentoring_contracts import ParticipantSchedule
from mesh_scheduling.domain.recurrence import Series, inside_both, shared_windows

SESSION_LENGTH = timedelta(hours=1)
MINIMUM_NOTICE = timedelta(hours=24)
SEARCH_HORIZON = timedelta(days=28)
_CADENCE_ORDER = ("weekly", "biweekly", "monthly", "as_needed")


class NoSharedTime(Exception):
    """The pair's availabilities share no slot before the series' next occurrence after this one."""


@dataclass(frozen=True, slots=True)
class AgreedTerms:
    """What a confirmed agreement sets for the pair's sessions."""

    version: int
    cadence: str
    meeting_mode: str
    session_minutes: int
    runs_until: date | None


@dataclass(frozen=True, slots=True)
class Pair:
    match_id: UUID
    program_id: str
    members: tuple[ParticipantSchedule, ParticipantSchedule]
    ended_at: datetime | None = None
    subjects: tuple[str | None, str | None] = (None, None)  # each member's account: who may act on their sessions
    agreed: AgreedTerms | None = None
    series_start: datetime | None = None  # the first occurrence of its recurring series, UTC

    @property
    def participant_ids(self) -> tuple[UUID, UUID]:
        return (self.members[0].participant_id, self.members[1].participant_id)

    @property
    def cadence(self) -> str:
        """As agreed; until then the less frequent of the two preferences: no one is asked to meet
        more than they offered."""
        if self.agreed:
            return self.agreed.cadence
        return max((m.preferred_cadence for m in self.members), key=_CADENCE_ORDER.index)

    @property
    def meeting_mode(self) -> str:
        """As agreed; until then in person when both accept it and share a campus, otherwise online."""
        if self.agreed:
            return self.agreed.meeting_mode
        a, b = self.members
        if "in_person" in a.meeting_modes and "in_person" in b.meeting_modes and a.campus.casefold() == b.campus.casefold():
            return "in_person"
        return "online"

    @property
    def session_length(self) -> timedelta:
        return timedelta(minutes=self.agreed.session_minutes) if self.agreed else SESSION_LENGTH

    @property
    def series(self) -> Series | None:
        """Kept in the first member's zone: their wall-clock time holds across DST."""
        if self.series_start is None:
            return None
        return Series(self.series_start, self.members[0].time_zone, self.cadence)

    def next_slot(self, after_occurrence: int, now: datetime) -> tuple[int, datetime, datetime] | None:
        """The next session after occurrence ``after_occurrence`` of the series: (occurrence, start, end).

        The series' next occurrence still far enough ahead; moved to the first shared slot from
        that day on when it is not inside both availabilities. None for 'as needed', an ended pair or
        a mentorship past its agreed end; NoSharedTime when they share no slot before the occurrence after."""
        series = self.series
        if series is None or self.ended_at is not None or series.rule is None:
            return None
        index = max(after_occurrence + 1, series.first_index_from(now + MINIMUM_NOTICE) or 0)
        start = series.occurrence(index)
        following = series.occurrence(index + 1)
        if start is None or following is None:
            return None
        if (
            self.agreed
            and self.agreed.runs_until
            and start.astimezone(ZoneInfo(series.time_zone)).date() > self.agreed.runs_until
        ):
            return None
        end = start + self.session_length
        if inside_both(self.members, start, end):
            return index, start, end
        day_start = start.astimezone(ZoneInfo(series.time_zone)).replace(hour=0, minute=0)
        slot = first_common_slot(self, max(day_start, now + MINIMUM_NOTICE), self.session_length, horizon=following - day_start)
        if slot is None or slot[1] > following:
            raise NoSharedTime(f"no shared slot between {day_start.isoformat()} and {following.isoformat()}")
        return index, *slot


def first_common_slot(
    pair: Pair, not_before: datetime, length: timedelta = SESSION_LENGTH, horizon: timedelta = SEARCH_HORIZON
) -> tuple[datetime, datetime] | None:
    """Earliest start, on a quarter hour, inside both participants' weekly availability, each
    read in their own time zone; None when they share no window of ``length`` within ``horizon``."""
    shared = shared_windows(pair.members, not_before, not_before + horizon)
    for begin, finish in shared:
        start = _ceil_quarter_hour(begin)
        if start + length <= finish:
            return start, start + length
    return None


def _ceil_quarter_hour(moment: datetime) -> datetime:
    floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floored if floored == moment else floored + timedelta(minutes=15)
