"""A coordinator's daily digest: what notify told the people of their campuses in the last day.

Rules: a coordinator opts in (and out) themself, choosing the local hour it comes at; it comes once
a local day, at the first look at or after that hour, for ``LASTS`` after they last asked (what it
covers was copied from their token then: asking again renews it, and a coordinator who lost the
role cannot); it counts events, not mails (a proposal told
to both of a pair counts once), on the campuses (and programs) the coordinator's token names when
they subscribed, and names nobody. A day with nothing to tell still comes: quiet is news too.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WINDOW = timedelta(hours=24)
LASTS = timedelta(days=90)
# What a coordinator reads in a digest, in this order: (templates counted together, line).
LINES = (
    (("match_proposed", "match_arranged"), "matches proposed"),  # by matching, a participant, or a coordinator
    (("match_accepted",), "pairs formed"),
    (("agreement_set",), "agreements confirmed"),
    (("session_completed",), "sessions recorded as done"),
    (("session_cancelled",), "sessions cancelled"),
    (("session_missed",), "sessions missed"),
    (("pair_dormant",), "pairs found dormant"),
    (("pair_nudged",), "pairs a coordinator checked in on"),
    (("match_ended",), "matches ended"),
)


@dataclass(frozen=True, slots=True)
class DigestSubscription:
    subject: str
    email: str
    time_zone: str
    hour: int
    campuses: frozenset[str]
    programs: frozenset[str] = frozenset()  # empty: every program on those campuses
    expires_on: date | None = None  # set when stored: the last local day it comes
    last_sent_on: date | None = None

    def local_day(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.time_zone)).date()

    def renewed(self, now: datetime) -> "DigestSubscription":
        return replace(self, expires_on=self.local_day(now + LASTS))

    def expired(self, now: datetime) -> bool:
        return self.expires_on is not None and self.local_day(now) > self.expires_on

    def due(self, now: datetime) -> bool:
        """At or after the chosen local hour, not yet sent on this local day, and not expired."""
        local = now.astimezone(ZoneInfo(self.time_zone))
        return local.hour >= self.hour and self.last_sent_on != local.date() and not self.expired(now)


def digest_text(counts: dict[str, int], failed: int, subscription: DigestSubscription, day: date) -> tuple[str, str]:
    """Subject and body; ``counts``: events by template in the window; ``failed``: mails given up."""
    where = ", ".join(sorted(subscription.campuses))
    lines = [f"  {sum(counts.get(template, 0) for template in templates):>4}  {label}" for templates, label in LINES]
    lines.append(f"  {failed:>4}  mails that could not be delivered")
    body = (
        f"Hello,\n\nthe last 24 hours of peer mentoring on {where}, up to {day.isoformat()}:\n\n"
        + "\n".join(lines)
        + "\n\nProgram health, per campus, has the rest. This digest comes until "
        f"{subscription.expires_on}: ask for it again to keep it.\n\n— Mentoring Mesh"
    )
    return f"Mentoring Mesh daily digest: {where}, {day.isoformat()}", body
