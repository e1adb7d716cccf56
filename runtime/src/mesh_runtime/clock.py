"""The time a service acts on: the system clock, or, for demos and tests, the system clock moved
forward by an offset that every service of the platform reads from the same file.

Work that waits for time to pass (a session becomes missed, a reminder falls due, a pair goes
dormant) asks its clock, never ``datetime.now``, so a demo can move weeks ahead without sleeping
and without touching the machine's clock. In production ``MESH_CLOCK_OFFSET_FILE`` is unset.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path


class InvalidClockOffset(ValueError):
    pass


class Clock:
    def __init__(self, offset_file: Path | None = None) -> None:
        self._offset_file = offset_file
        self._seen: tuple[int, int, int] | None = None  # (inode, mtime, size) of the file last read: a rename makes a new inode
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def offset(self) -> timedelta:
        """Read again only when the file changed: one stat per call."""
        if self._offset_file is None:
            return timedelta()
        try:
            stat = self._offset_file.stat()
        except FileNotFoundError:
            return timedelta()
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._seen != seen:
            self._offset = parse_offset(self._offset_file.read_text())
            self._seen = seen
        return self._offset


def parse_offset(text: str) -> timedelta:
    """Seconds ahead of the system clock, as a number (``86400``, ``90.5``); never backwards."""
    try:
        seconds = float(text.strip() or 0)
    except ValueError:
        raise InvalidClockOffset(f"a clock offset is a number of seconds, not {text.strip()!r}") from None
    if seconds < 0:
        raise InvalidClockOffset("a clock moves forward only: the offset must be zero or more seconds")
    return timedelta(seconds=seconds)


def advance(offset_file: Path, by: timedelta) -> timedelta:
    """Moves every clock reading ``offset_file`` forward by ``by``; returns the new offset.

    Written to a temporary file and renamed, so a service never reads half a number."""
    if by < timedelta():
        raise InvalidClockOffset("a clock moves forward only")
    current = parse_offset(offset_file.read_text()) if offset_file.exists() else timedelta()
    moved = current + by
    temporary = offset_file.with_name(f".{offset_file.name}.{os.getpid()}")
    temporary.write_text(f"{moved.total_seconds()}\n")
    temporary.replace(offset_file)
    return moved
