"""Matching's unit of work in memory: each store a dict that behaves as its PostgreSQL store does (what
it locks aside: one test, one transaction), the events it emitted in a list, profile reads that answer
what the test put in them, and a clock the test sets. Use cases and event handlers run on it in
milliseconds."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

from mentoring_contracts import Event, ProgramDefinition, SessionCancelled, SessionCompleted, SessionScheduled
from mesh_matching.application.coordinator_ports import Between, Nudge, Participation
from mesh_matching.application.ports import OpenCandidate
from mesh_matching.domain.candidate import ERASED, KEPT, Candidate, MatchingProfile
from mesh_matching.domain.dormancy import DormancyRule
from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.program import ProgramStanding
from mesh_matching.domain.rounds.pool import RoundPool
from mesh_matching.domain.scoring import MatchingPolicy, PairScore
from mesh_runtime.db import Cause
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.erasures import FakeErasures
from tests.support.identity import INSTITUTION


@dataclass
class Row:
    """A candidate as ``candidates`` keeps them: the profile as matching stores it, and their places."""

    candidate: Candidate
    capacity: int
    seq: int
    used: int = 0
    active: bool = True
    left_at: datetime | None = None

    @property
    def room(self) -> int:
        return self.capacity - self.used if self.active else 0


class FakeCandidates:
    def __init__(self) -> None:
        self.rows: dict[UUID, Row] = {}

    async def add(self, candidate: Candidate) -> bool:
        if candidate.participant_id in self.rows:
            return False
        self.rows[candidate.participant_id] = Row(_stored(candidate), candidate.capacity, len(self.rows))
        return True

    async def add_many(self, candidates: Sequence[Candidate]) -> set[UUID]:
        return {candidate.participant_id for candidate in candidates if await self.add(candidate)}

    async def open_pool(self, program_id: str, slots: Sequence[str]) -> Sequence[OpenCandidate]:
        wanted = set(slots)
        return [
            OpenCandidate(row.candidate, row.room, frozenset(row.candidate.slots()))
            for row in sorted(self.rows.values(), key=lambda row: row.seq)
            if row.candidate.program_id == program_id and row.room > 0 and wanted & set(row.candidate.slots())
        ]

    async def get(self, participant_id: UUID) -> Candidate | None:
        row = self.rows.get(participant_id)
        return row.candidate if row else None

    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]:
        wanted = set(candidate.wanted_slots())
        return [
            row.candidate
            for row in sorted(self.rows.values(), key=lambda row: row.seq)
            if row.candidate.participant_id != candidate.participant_id and row.room > 0 and wanted & set(row.candidate.slots())
        ]

    async def open_partners_digest(self, candidate: Candidate, campuses: frozenset[str] | None) -> str:
        return ",".join(
            f"{c.participant_id}{c.version}"
            for c in await self.open_partners(candidate)
            if campuses is None or c.profile.campus in campuses
        )

    def shared_features(self) -> None:
        return None

    async def reserve(self, participant_id: UUID) -> bool:
        row = self.rows.get(participant_id)
        if row is None or row.room < 1:
            return False  # the database's check: never past capacity
        row.used += 1
        return True

    async def reserve_all(self, places: dict[UUID, int]) -> bool:
        if any(pid not in self.rows or self.rows[pid].room < n for pid, n in places.items()):
            return False
        for pid, n in places.items():
            self.rows[pid].used += n
        return True

    async def reserve_round(self, places: dict[UUID, int]) -> bool:
        return await self.reserve_all(places)

    async def release(self, participant_id: UUID) -> None:
        if (row := self.rows.get(participant_id)) is not None and row.used > 0:
            row.used -= 1

    async def update_profile(self, candidate: Candidate) -> None:
        row = self.rows[candidate.participant_id]
        subject = candidate.subject if candidate.subject is not None else row.candidate.subject
        row.candidate = replace(_stored(candidate), subject=subject)
        row.capacity = max(candidate.capacity, row.used)

    async def round_pool(self, program_id: str) -> Sequence[tuple[Candidate, int]]:
        rows = sorted(self.rows.values(), key=lambda row: row.seq)
        return [(row.candidate, row.room) for row in rows if row.candidate.program_id == program_id and row.room > 0]

    async def round_columns(self, program_id: str) -> tuple[RoundPool, list[int]]:
        rows = await self.round_pool(program_id)
        return RoundPool.of([candidate for candidate, _ in rows]), [room for _, room in rows]

    async def room(self, participant_id: UUID) -> int:
        row = self.rows.get(participant_id)
        return row.room if row else 0

    async def anonymise(self, participant_id: UUID) -> bool:
        row = self.rows.get(participant_id)
        if row is None:
            return False
        kept = row.candidate.profile.model_copy(update=ERASED)
        if (kept, None) == (row.candidate.profile, row.candidate.subject):
            return False  # anonymised already: nothing written, the version stays
        row.candidate = replace(row.candidate, profile=kept, subject=None, version=uuid4())
        return True

    async def withdraw(self, participant_id: UUID, at: datetime | None = None) -> None:
        if (row := self.rows.get(participant_id)) is not None:
            row.active, row.left_at = False, row.left_at or at


@dataclass
class Kept:
    """A match as ``matches`` keeps it, with what only the table holds beside the aggregate."""

    match: Match
    pair: PairScore
    arranged_by: str | None = None
    note: str | None = None
    stalled_at: datetime | None = None


class FakeMatches:
    def __init__(self) -> None:
        self.kept: dict[UUID, Kept] = {}
        self.excluded: set[tuple[UUID, UUID]] = set()

    def all(self) -> list[Match]:
        return [kept.match for kept in self.kept.values()]

    async def add(self, match: Match, pair: PairScore) -> None:
        await self.add_many([(match, pair)])

    async def add_many(self, proposed: Sequence[tuple[Match, PairScore]]) -> None:
        for match, pair in proposed:
            self.kept[match.match_id] = Kept(match, pair)

    async def get_for_update(self, match_id: UUID) -> Match | None:
        kept = self.kept.get(match_id)
        return kept.match if kept else None

    async def save(self, match: Match) -> None:
        self.kept[match.match_id].match = match

    async def open_past_expiry(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        lapsed = [
            m for m in self.all() if m.program_id == program_id and m.status is MatchStatus.PROPOSED and m.expires_at <= now
        ]
        return sorted(lapsed, key=lambda m: m.expires_at)[:limit]

    async def program_of(self, match_id: UUID) -> str | None:
        kept = self.kept.get(match_id)
        return kept.match.program_id if kept else None

    async def excluded_partners(self, participant_id: UUID) -> set[UUID]:
        return {b if a == participant_id else a for a, b in self.excluded if participant_id in (a, b)}

    async def excluded_partners_of(self, participant_ids: Sequence[UUID]) -> dict[UUID, set[UUID]]:
        return {pid: others for pid in participant_ids if (others := await self.excluded_partners(pid))}

    async def open_for(self, participant_id: UUID) -> Sequence[Match]:
        return sorted(
            (m for m in self.all() if participant_id in m.participants and m.status in _OPEN), key=lambda m: m.proposed_at
        )

    async def open_in_program(self, program_id: str) -> Sequence[Match]:
        return sorted((m for m in self.all() if m.program_id == program_id and m.status in _OPEN), key=lambda m: m.proposed_at)

    async def pair_excluded(self, a: UUID, b: UUID) -> bool:
        return _pair(a, b) in self.excluded

    async def exclude_pair(self, a: UUID, b: UUID) -> None:
        self.excluded.add(_pair(a, b))

    async def exclude_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        self.excluded.update(_pair(a, b) for a, b in pairs)

    async def redact_reasons(self, participant_id: UUID) -> int:
        theirs = [kept for kept in self.kept.values() if participant_id in kept.match.participants and kept.pair.reasons]
        for kept in theirs:
            kept.pair = replace(kept.pair, reasons=(), participant_reasons=())
        return len(theirs)

    async def excluded_among(self, participant_ids: Sequence[UUID]) -> set[tuple[UUID, UUID]]:
        among = set(participant_ids)
        return {pair for pair in self.excluded if set(pair) <= among}


class FakePolicies:
    def __init__(self) -> None:
        self.versions: dict[str, list[tuple[MatchingPolicy, datetime]]] = {}

    async def current(self, program_id: str) -> tuple[int, MatchingPolicy]:
        versions = self.versions.get(program_id, [])
        return (len(versions), versions[-1][0]) if versions else (0, MatchingPolicy())

    async def set(self, program_id: str, policy: MatchingPolicy) -> int:
        self.versions.setdefault(program_id, []).append((policy, datetime.now(UTC)))
        return len(self.versions[program_id])

    async def history(self, program_id: str) -> Sequence[tuple[int, MatchingPolicy, datetime]]:
        return [(n, policy, at) for n, (policy, at) in enumerate(self.versions.get(program_id, []), start=1)]


class FakePrograms:
    def __init__(self) -> None:
        self.standings: dict[str, ProgramStanding] = {}
        self.rules: dict[str, DormancyRule] = {}

    async def define(self, program_id: str, definition: ProgramDefinition, at: datetime) -> None:
        if (known := self.standings.get(program_id)) is not None and not known.open:
            return
        self.standings[program_id] = ProgramStanding(program_id, True, definition.matchmaking)
        self.rules[program_id] = DormancyRule.of_days(definition.dormant_after_days, definition.dormant_grace_days)

    async def close(self, program_id: str, reason: str | None, at: datetime) -> bool:
        known = self.standings.get(program_id, ProgramStanding(program_id))
        self.standings[program_id] = replace(known, open=False)
        return known.open

    async def standing(self, program_id: str) -> ProgramStanding:
        return self.standings.get(program_id, ProgramStanding(program_id))

    async def dormancy(self, program_id: str) -> DormancyRule:
        return self.rules.get(program_id, DormancyRule())


class FakeSessionsSeen:
    def __init__(self) -> None:
        self.seen: list[SessionScheduled | SessionCompleted | SessionCancelled] = []

    async def scheduled(self, event: SessionScheduled) -> None:
        self.seen.append(event)

    async def completed(self, event: SessionCompleted) -> None:
        self.seen.append(event)

    async def cancelled(self, event: SessionCancelled) -> None:
        self.seen.append(event)


class FakeDormantPairs:
    """Only what a sweep of formed pairs that were never found dormant needs: none go quiet here."""

    async def gone_quiet(self, program_id: str, quiet_before: datetime, limit: int) -> Sequence[tuple[Match, datetime]]:
        return []

    async def mark_dormant(self, match_id: UUID, judged_on: datetime, at: datetime, ends_at: datetime) -> None:
        return None

    async def revive_pair(self, match_id: UUID, completed_at: datetime) -> bool:
        return False

    async def revive_program(self, program_id: str, quiet_before: datetime) -> int:
        return 0

    async def past_grace(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        return []


class FakeHandPairings:
    """A coordinator's hand in pairs, read from the same matches and candidates the unit of work holds."""

    def __init__(self, candidates: FakeCandidates, matches: FakeMatches) -> None:
        self._candidates, self._matches = candidates, matches
        self.nudges: list[Nudge] = []

    async def participation(self, participant_id: UUID) -> Participation | None:
        row = self._candidates.rows.get(participant_id)
        return Participation(row.candidate.program_id, row.active, row.capacity, row.used) if row else None

    async def roles_held(self, participant_id: UUID) -> list[str]:
        return [
            m.roles[m.participants.index(participant_id)]
            for m in self._matches.all()
            if participant_id in m.participants
            and (m.status is MatchStatus.ACCEPTED or (m.status is MatchStatus.PROPOSED and m.capacity_reserved))
        ]

    async def between(self, a: UUID, b: UUID) -> list[Between]:
        kept = [k for k in self._matches.kept.values() if set(k.match.participants) == {a, b}]
        return [
            Between(k.match.match_id, k.match.status.value, k.arranged_by, k.match.proposed_at)
            for k in sorted(kept, key=lambda k: k.match.proposed_at, reverse=True)
        ]

    async def mark_arranged(self, match_id: UUID, arranged_by: str, note: str | None) -> None:
        kept = self._matches.kept[match_id]
        kept.arranged_by, kept.note = arranged_by, note

    async def dormant(self, match_id: UUID) -> bool:
        return self._matches.kept[match_id].stalled_at is not None

    async def last_nudged_at(self, match_id: UUID) -> datetime | None:
        return max((n.nudged_at for n in self.nudges if n.match_id == match_id), default=None)

    async def add_nudge(self, nudge: Nudge) -> None:
        self.nudges.append(nudge)


class FakeProfileViews:
    """What the profile service would answer: the candidates the test put in ``known`` (None: erased)."""

    def __init__(self) -> None:
        self.known: dict[UUID, Candidate | None] = {}

    async def candidate(self, participant_id: UUID) -> Candidate | None:
        if participant_id not in self.known:
            raise LookupError(f"the profile service has no participant {participant_id}")
        return self.known[participant_id]


@dataclass
class FakeMatchingUnitOfWork:
    clock: FixedClock = field(default_factory=FixedClock)
    cause: Cause = field(default_factory=lambda: Cause(institution=INSTITUTION))
    profiles: FakeProfileViews = field(default_factory=FakeProfileViews)
    candidates: FakeCandidates = field(default_factory=FakeCandidates)
    matches: FakeMatches = field(default_factory=FakeMatches)
    policies: FakePolicies = field(default_factory=FakePolicies)
    programs: FakePrograms = field(default_factory=FakePrograms)
    sessions_seen: FakeSessionsSeen = field(default_factory=FakeSessionsSeen)
    dormant_pairs: FakeDormantPairs = field(default_factory=FakeDormantPairs)
    erasures: FakeErasures = field(default_factory=FakeErasures)
    emitted: list[Event] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)  # of the events emitted for a run, each its own

    @property
    def institution(self) -> str | None:
        return self.cause.institution

    def hands(self) -> FakeHandPairings:
        return FakeHandPairings(self.candidates, self.matches)

    def of_type(self, kind: type[Event]) -> list:
        return [event for event in self.emitted if isinstance(event, kind)]

    async def emit(self, event: Event) -> object:
        self.emitted.append(event)
        return event

    async def emit_many(self, events: list[Event]) -> None:
        self.emitted.extend(events)

    async def emit_caused(self, events: Sequence[tuple[Event, Cause]]) -> None:
        self.emitted.extend(event for event, _ in events)
        self.causes.extend(cause for _, cause in events)

    async def purge_published_mentions(self, participant_id: UUID) -> int:
        return 0

    async def lock_program(self, program_id: str) -> None:
        self.locked.append(program_id)


_OPEN = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED)


def _pair(a: UUID, b: UUID) -> tuple[UUID, UUID]:
    low, high = sorted((a, b))
    return low, high


def _stored(candidate: Candidate) -> Candidate:
    """As the store gives a candidate back: the kept profile only, and a new version."""
    kept = MatchingProfile.model_validate(candidate.profile.model_dump(include=set(KEPT)))
    return replace(candidate, profile=kept, version=uuid4())
