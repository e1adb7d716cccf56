"""What a matching replica keeps of people in memory, and how it lets go: decoded profiles (by the
version of the row they were read from, aged out), ranked suggestions (mesh_matching.application.
suggestions_cache), and the listener that drops an erased person from both in every replica."""

import time as clock
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from uuid import UUID

from mesh_matching.application.suggestions_cache import SUGGESTIONS
from mesh_matching.domain.candidate import MatchingProfile
from mesh_runtime.forgetting import ForgetListener
from mesh_runtime.workers import PeriodicWorker

DECODED_MAX_AGE = 300.0  # seconds a decoded profile is kept at most, however often it is read
DECODED_SWEEP_INTERVAL = 30.0


class DecodedProfiles:
    """Profiles this process has decoded, by participant, each with the version of the row it was
    read from (a version is never given twice) and when it was read.

    A profile is served only for the version it was read with: a row changed or erased since, in
    whichever replica, is read afresh and the old decode dropped. None is kept past ``max_age``,
    read or not (``sweep``, on every use and every ``DECODED_SWEEP_INTERVAL``), so a profile another
    replica erased leaves this one's memory within that time. Past ``size``, the oldest go first."""

    def __init__(self, size: int, max_age: float = DECODED_MAX_AGE, now: Callable[[], float] = clock.monotonic) -> None:
        self._size, self._max_age, self._now = size, max_age, now
        self._entries: OrderedDict[UUID, tuple[UUID, float, MatchingProfile]] = OrderedDict()  # oldest first

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, participant_id: UUID, version: UUID) -> MatchingProfile | None:
        self.sweep()
        return self.lookup(participant_id, version)

    def lookup(self, participant_id: UUID, version: UUID) -> MatchingProfile | None:
        """As ``get``, for a caller that has just swept."""
        entry = self._entries.get(participant_id)
        if entry is None:
            return None
        if entry[0] != version:
            del self._entries[participant_id]  # the row has changed since: its old decode must not outlive it
            return None
        return entry[2]

    def keep(self, participant_id: UUID, version: UUID, profile: MatchingProfile) -> MatchingProfile:
        self._entries.pop(participant_id, None)
        self._entries[participant_id] = (version, self._now(), profile)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return profile

    def forget(self, participant_id: UUID) -> None:
        self._entries.pop(participant_id, None)

    def clear(self) -> None:
        self._entries.clear()

    def sweep(self) -> int:
        """Forgets every profile kept longer than ``max_age``; how many."""
        oldest_kept, forgotten = self._now() - self._max_age, 0
        while self._entries and next(iter(self._entries.values()))[1] <= oldest_kept:
            self._entries.popitem(last=False)
            forgotten += 1
        return forgotten


DECODED = DecodedProfiles(20_000)  # 2.5 KB or so each: a program's open places, not its whole pool


def decoded_profiles_sweep() -> PeriodicWorker:
    """Ages decoded profiles out of an idle replica's memory too."""

    async def sweep() -> int:
        return DECODED.sweep()

    return PeriodicWorker("decoded-profiles-sweep", sweep, DECODED_SWEEP_INTERVAL)


def forget_listener(components: Any) -> ForgetListener:
    """Every replica drops an erased person from what it keeps in memory as soon as the erasure commits."""

    def forget(participant_id: UUID) -> None:
        DECODED.forget(participant_id)
        SUGGESTIONS.forget(participant_id)

    def forget_all() -> None:
        DECODED.clear()
        SUGGESTIONS.clear()

    return ForgetListener(components.settings.database_url, forget, forget_all)
