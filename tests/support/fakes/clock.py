"""The clock every fake unit of work carries."""

from datetime import UTC, datetime, timedelta


class FixedClock:
    """The time stands still until the test moves it; ``ahead``: a demo's offset over the machine's."""

    def __init__(self, at: datetime = datetime(2026, 3, 2, 9, tzinfo=UTC), ahead: timedelta = timedelta()) -> None:
        self.at, self.ahead = at, ahead

    def now(self) -> datetime:
        return self.at

    def offset(self) -> timedelta:
        return self.ahead

    def advance(self, by: timedelta) -> datetime:
        self.at += by
        return self.at
