"""What each participant wants to hear, and when not to be disturbed.

Rules: every notification is of one kind; a participant may turn a kind off (nothing of it is sent
from then on, even if already planned) and may set quiet hours for it, in their own time zone: a
notification falling inside them waits for their end, except news of a session (or of its old time)
that comes before that end: it goes at once. The welcome and a change of address are always sent. Without a
preference a kind is on, with no quiet hours.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mesh_notify.domain.mails import BY_TEMPLATE

KIND_OF_TEMPLATE = {template: mail.kind for template, mail in BY_TEMPLATE.items()}  # each mail says its kind
KINDS = ("matches", "agreements", "sessions", "reminders", "nudges")  # the kinds a participant may set
ALWAYS_SENT = frozenset({"account"})


def kind_of(template: str) -> str:
    return KIND_OF_TEMPLATE.get(template, "account")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From ``start`` to ``end`` local time; across midnight when ``end`` is not after ``start``."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("quiet hours need a start and an end that differ")

    def contains(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True, slots=True)
class Preference:
    kind: str
    enabled: bool = True
    quiet_hours: QuietHours | None = None


def _quiet_at(moment: datetime, preference: Preference, time_zone: str) -> tuple[QuietHours, datetime] | None:
    """The quiet hours and the moment in the recipient's zone, when the moment falls inside them."""
    quiet = preference.quiet_hours
    if quiet is None:
        return None
    local = moment.astimezone(ZoneInfo(time_zone))
    return (quiet, local) if quiet.contains(local.time().replace(tzinfo=None)) else None


def first_allowed(moment: datetime, preference: Preference, time_zone: str) -> datetime:
    """The moment itself, or, inside the quiet hours, their end (in the recipient's zone, across DST)."""
    if (inside := _quiet_at(moment, preference, time_zone)) is None:
        return moment
    quiet, local = inside
    end_day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, quiet.end, tzinfo=local.tzinfo).astimezone(UTC)


def last_allowed_before(moment: datetime, preference: Preference, time_zone: str) -> datetime:
    """The moment itself, or, inside the quiet hours, their start (the latest moment before them)."""
    if (inside := _quiet_at(moment, preference, time_zone)) is None:
        return moment
    quiet, local = inside
    start_day = local.date() if local.time() >= quiet.start else local.date() - timedelta(days=1)
    return datetime.combine(start_day, quiet.start, tzinfo=local.tzinfo).astimezone(UTC) - timedelta(minutes=1)


def hold_until(moment: datetime, template: str, context: dict[str, Any], preference: Preference, time_zone: str) -> datetime:
    """When a notification due at ``moment`` may go: then, or at the end of the quiet hours; a session
    mail whose session, or its old time, comes before that end goes then all the same."""
    allowed = first_allowed(moment, preference, time_zone)
    if allowed > moment and kind_of(template) == "sessions":
        times = [datetime.fromisoformat(str(context[k])) for k in ("starts_at", "previous_starts_at") if context.get(k)]
        if times and min(times) <= allowed:
            return moment
    return allowed
