"""A run of joins in one program, planned in memory and written together.

``fill_places`` is run for each newcomer in order, exactly as one join at a time would run it, but on
``PlannedPlaces``: the program's open pool, the newcomers' exclusions and the program's standing are
read once for the run; reservations, proposals and exclusions are kept here as they are made, and
written at the end in one statement each (``write``). The program's lock is held throughout, so the
pool cannot change under the plan: the proposals are those of the joins handled one by one."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from mentoring_contracts import Event
from mesh_matching.application.ports import Cause, MatchingUnitOfWork, OpenCandidate
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.program import ProgramStanding
from mesh_matching.domain.proposal import PoolFeatures
from mesh_matching.domain.scoring import PairScore


class PlacesChanged(RuntimeError):
    """A planned place was gone when written: something moved places without the program's lock (a bug)."""


class _Open:
    __slots__ = ("candidate", "order", "room", "slots")

    def __init__(self, candidate: Candidate, room: int, slots: frozenset[str] | None, order: int) -> None:
        self.candidate, self.room, self.slots, self.order = candidate, room, slots, order


class PoolInMemory:
    """The program's open places (``ports.Places``): who has room, and who offers which key."""

    def __init__(self, pool: Sequence[OpenCandidate], features: PoolFeatures | None = None) -> None:
        """``features``: the kernel's arrays for the pool and the run's newcomers, built on first need."""
        self._features = features
        self._open: dict[UUID, _Open] = {}
        self._by_slot: dict[str, list[_Open]] = {}
        self._fit_anyone: list[_Open] = []
        self.reserved: dict[UUID, int] = {}
        for entry in pool:
            self._add(entry.candidate, entry.room, entry.slots)

    def join(self, newcomer: Candidate) -> None:
        """A newcomer of the run, in the pool from now on (after everyone before them)."""
        self._add(newcomer, newcomer.capacity, frozenset(newcomer.slots()))

    def _add(self, candidate: Candidate, room: int, slots: frozenset[str] | None) -> None:
        entry = _Open(candidate, room, slots, len(self._open))
        self._open[candidate.participant_id] = entry
        if slots is None:
            self._fit_anyone.append(entry)
        for slot in slots or ():
            self._by_slot.setdefault(slot, []).append(entry)

    async def room(self, participant_id: UUID) -> int:
        entry = self._open.get(participant_id)
        return max(entry.room, 0) if entry else 0

    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]:
        """As the database would answer: room left, a wanted key offered (or keys unknown), join order."""
        found: dict[UUID, _Open] = {}
        for slot in candidate.wanted_slots():
            for entry in self._by_slot.get(slot, ()):
                found.setdefault(entry.candidate.participant_id, entry)
        for entry in self._fit_anyone:
            found.setdefault(entry.candidate.participant_id, entry)
        found.pop(candidate.participant_id, None)
        return [entry.candidate for entry in sorted(found.values(), key=lambda e: e.order) if entry.room > 0]

    def shared_features(self) -> PoolFeatures | None:
        return self._features

    async def reserve(self, participant_id: UUID) -> bool:
        entry = self._open.get(participant_id)
        if entry is None or entry.room < 1:
            return False
        entry.room -= 1
        self.reserved[participant_id] = self.reserved.get(participant_id, 0) + 1
        return True

    async def release(self, participant_id: UUID) -> None:
        """Only ever a place this plan reserved (``fill_places`` gives back the partner it just took)."""
        if self.reserved.get(participant_id, 0) > 0:
            self.reserved[participant_id] -= 1
            self._open[participant_id].room += 1


class ProposalsInMemory:
    """The newcomers' exclusions, and the proposals and exclusions the plan made (``ports.Proposals``)."""

    def __init__(self, excluded: dict[UUID, set[UUID]]) -> None:
        self._excluded = excluded
        self.proposed: list[tuple[Match, PairScore]] = []
        self.pairs: list[tuple[UUID, UUID]] = []

    async def excluded_partners(self, participant_id: UUID) -> set[UUID]:
        return set(self._excluded.get(participant_id, ()))

    async def add_many(self, proposed: Sequence[tuple[Match, PairScore]]) -> None:
        self.proposed.extend(proposed)

    async def exclude_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        for a, b in pairs:
            self._excluded.setdefault(a, set()).add(b)
            self._excluded.setdefault(b, set()).add(a)
        self.pairs.extend(pairs)


class _Standing:
    def __init__(self, standing: ProgramStanding) -> None:
        self._standing = standing

    async def standing(self, program_id: str) -> ProgramStanding:
        return self._standing


class PlannedPlaces:
    """A ``PlacesUnitOfWork`` in memory for one program's run of joins; ``caused_by`` names the join
    each proposal is emitted for."""

    def __init__(
        self,
        standing: ProgramStanding,
        pool: Sequence[OpenCandidate],
        excluded: dict[UUID, set[UUID]],
        emitted: list[tuple[Event, Cause]],
        newcomers: Sequence[Candidate] = (),
        week_start: datetime | None = None,
    ) -> None:
        """``emitted``: where the events go, each with its join's cause (shared by a run's programs, so
        the run emits in the order of its joins). ``newcomers`` and ``week_start``: whom the run adds and
        the week it scores in, for the kernel's arrays of everyone, built once if a large block needs them."""
        self.programs = _Standing(standing)
        everyone = [*(entry.candidate for entry in pool), *newcomers]
        self.candidates = PoolInMemory(pool, PoolFeatures(everyone, week_start) if week_start is not None else None)
        self.matches = ProposalsInMemory(excluded)
        self.emitted = emitted
        self._cause: Cause | None = None

    def caused_by(self, cause: Cause) -> None:
        self._cause = cause

    async def emit_many(self, events: list[Event]) -> None:
        assert self._cause is not None, "every proposal of a run is made for one of its joins (caused_by)"
        cause = self._cause
        self.emitted.extend((event, cause) for event in events)

    async def write(self, uow: MatchingUnitOfWork) -> None:
        """The plan, one statement per kind of row: places taken, matches, exclusions (the events are
        the caller's to emit, with the run's others)."""
        if not self.matches.proposed:
            return
        taken = {pid: n for pid, n in self.candidates.reserved.items() if n > 0}
        if taken and not await uow.candidates.reserve_all(taken):
            raise PlacesChanged("places changed under the program's lock")
        await uow.matches.add_many(self.matches.proposed)
        await uow.matches.exclude_pairs(self.matches.pairs)
