"""When a formed pair lies dormant, and when a dormant pair ends.

Rules: a formed pair's last activity is its last completed session, else when it formed. With no
activity for the program's ``after`` days it is dormant: both are nudged, and it ends ``grace``
days later unless something newer than the activity it was judged on is completed first (then it
is active again, and may go dormant again later). A session completed before the pair was found
dormant but reported late counts too: the pair was not dormant after all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

DORMANT_REASON = "the pair lay dormant: no session was completed in time"


@dataclass(frozen=True, slots=True)
class DormancyRule:
    after: timedelta = timedelta(days=30)
    grace: timedelta = timedelta(days=14)

    @classmethod
    def of_days(cls, after_days: int, grace_days: int) -> "DormancyRule":
        return cls(timedelta(days=after_days), timedelta(days=grace_days))

    def quiet_before(self, now: datetime) -> datetime:
        """A pair whose last activity is before this is dormant now."""
        return now - self.after

    def ends_at(self, found_dormant_at: datetime) -> datetime:
        return found_dormant_at + self.grace


def revived(judged_on: datetime, last_activity: datetime | None) -> bool:
    """A completion newer than the activity the pair was found dormant on brings it back."""
    return last_activity is not None and last_activity > judged_on
