"""Suggestions already ranked, kept per (participant, their profile's version, the pool's digest, …).

Ranking a participant's open partners costs a pass over the pool; asking again while nothing that
ranking read has changed must not cost it again. The pool's digest (the database's, of the partners
on the campuses the asker may see, each with its profile's version, in order) changes when a partner
joins, leaves, fills their places, changes or is erased. Entries go after ``max_age`` (they hold
names, and an erased person's must leave memory), and the oldest past ``size``."""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SUGGESTIONS_MAX_AGE = 60.0


class SuggestionsCache:
    def __init__(self, size: int, max_age: float = SUGGESTIONS_MAX_AGE, now: Callable[[], float] = time.monotonic) -> None:
        self._size, self._max_age, self._now = size, max_age, now
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()  # oldest first

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any | None:
        self._sweep()
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def keep(self, key: Hashable, value: Any) -> Any:
        self._entries.pop(key, None)
        self._entries[key] = (self._now(), value)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()

    def forget(self, participant_id: Any) -> None:
        """Every list asked by this person, or naming them among its partners."""
        for key in [
            key
            for key, (_, value) in self._entries.items()
            if (isinstance(key, tuple) and key[:1] == (participant_id,))
            or any(getattr(getattr(shown, "partner", None), "participant_id", None) == participant_id for shown in value)
        ]:
            del self._entries[key]

    def _sweep(self) -> None:
        oldest_kept = self._now() - self._max_age
        while self._entries and next(iter(self._entries.values()))[0] <= oldest_kept:
            self._entries.popitem(last=False)


SUGGESTIONS = SuggestionsCache(2_000)  # askers in the last minute, each a few proposals
