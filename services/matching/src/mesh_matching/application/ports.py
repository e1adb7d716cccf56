"""What the matching use cases need from the outside world."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from mentoring_contracts import Event, ProgramDefinition, SessionCancelled, SessionCompleted, SessionScheduled
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.dormancy import DormancyRule
from mesh_matching.domain.match import Match
from mesh_matching.domain.program import ProgramStanding
from mesh_matching.domain.proposal import PoolFeatures
from mesh_matching.domain.rounds.pool import RoundPool
from mesh_matching.domain.scoring import MatchingPolicy, PairScore


class Clock(Protocol):
    """The service's time (``mesh_runtime.clock``): the only time a use case reads."""

    def now(self) -> datetime: ...


class ProfileViews(Protocol):
    """What the profile service says of a participant now (their free text, their account)."""

    async def candidate(self, participant_id: UUID) -> Candidate | None:
        """As matching scores them; None once erased (their ``ParticipantErased`` follows). Raises for
        a participant profile does not know."""
        ...


class Cause(Protocol):
    """Why a unit of work acts (the runtime's ``Cause``): in a run of events, each event's own."""

    @property
    def correlation_id(self) -> UUID | None: ...
    @property
    def causation_id(self) -> UUID | None: ...
    @property
    def institution(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class OpenCandidate:
    """A candidate with room left, as a batch of joins reads the pool: ``slots`` None when their keys
    are not filled in yet (they may fit anyone)."""

    candidate: Candidate
    room: int
    slots: frozenset[str] | None


class Candidates(Protocol):
    async def add(self, candidate: Candidate) -> bool:
        """False when already known (the same participant joined before)."""
        ...

    async def add_many(self, candidates: Sequence[Candidate]) -> set[UUID]:
        """``add`` for many in one statement, in this (their join) order; the ids not known before."""
        ...

    async def open_pool(self, program_id: str, slots: Sequence[str]) -> Sequence[OpenCandidate]:
        """Everyone in the program with room left who offers any of these keys, or whose keys are not
        filled in yet, in join order: what ``open_partners`` reads for many candidates at once."""
        ...

    async def get(self, participant_id: UUID) -> Candidate | None: ...
    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]:
        """Everyone else in the program with room left who offers a topic and role this candidate
        could pair on (``Candidate.wanted_slots``), in join order; never the rest of the pool."""
        ...

    async def open_partners_digest(self, candidate: Candidate, campuses: frozenset[str] | None) -> str:
        """A digest of ``open_partners`` on these campuses (all: None), each partner with their profile's
        version, in order: equal while nothing a ranking reads has changed."""
        ...

    async def reserve(self, participant_id: UUID) -> bool:
        """Take one unit of capacity; False when none is left (enforced by the database)."""
        ...

    def shared_features(self) -> PoolFeatures | None:
        """None: a store's joins come one at a time (see ``Places``)."""
        ...

    async def reserve_all(self, places: dict[UUID, int]) -> bool:
        """All these places (participant: how many) at once, or none and False."""
        ...

    async def reserve_round(self, places: dict[UUID, int]) -> bool:
        """``reserve_all`` for a round about to propose to each of them (their state moves with it)."""
        ...

    async def release(self, participant_id: UUID) -> None: ...
    async def update_profile(self, candidate: Candidate) -> None:
        """New profile and capacity; capacity never drops below the matches already held."""
        ...

    async def round_pool(self, program_id: str) -> Sequence[tuple[Candidate, int]]:
        """Active candidates of a program with room left, and how much."""
        ...

    async def round_columns(self, program_id: str) -> tuple[RoundPool, list[int]]:
        """``round_pool`` as the round reads it: its columns, and each one's room."""
        ...

    async def room(self, participant_id: UUID) -> int:
        """How many more matches they can hold now (0 once withdrawn, or unknown)."""
        ...

    async def anonymise(self, participant_id: UUID) -> bool:
        """Drops name, email, the free text of the profile and the account link; True if they were held
        and not anonymised already (then nothing is written)."""
        ...

    async def withdraw(self, participant_id: UUID, at: datetime | None = None) -> None:
        """Out of every future pool, as of ``at`` (kept: the first time they left)."""
        ...


class Matches(Protocol):
    async def add(self, match: Match, pair: PairScore) -> None:
        """Kept with the pair's parts, its reasons in full and as either of the pair may read them."""
        ...

    async def add_many(self, proposed: Sequence[tuple[Match, PairScore]]) -> None: ...
    async def get_for_update(self, match_id: UUID) -> Match | None: ...
    async def save(self, match: Match) -> None: ...
    async def open_past_expiry(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        """A program's proposals past their expiry, locked so that concurrent sweeps skip them."""
        ...

    async def program_of(self, match_id: UUID) -> str | None: ...
    async def excluded_partners(self, participant_id: UUID) -> set[UUID]:
        """Everyone this participant is never to be proposed to again."""
        ...

    async def excluded_partners_of(self, participant_ids: Sequence[UUID]) -> dict[UUID, set[UUID]]:
        """``excluded_partners`` of each of many, in one read (those with none are left out)."""
        ...

    async def open_for(self, participant_id: UUID) -> Sequence[Match]:
        """Proposed or formed matches of a participant, locked."""
        ...

    async def open_in_program(self, program_id: str) -> Sequence[Match]:
        """Proposed or formed matches of a program, locked."""
        ...

    async def pair_excluded(self, a: UUID, b: UUID) -> bool:
        """Declined pairs, and pairs already matched, are never proposed again."""
        ...

    async def exclude_pair(self, a: UUID, b: UUID) -> None: ...
    async def exclude_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None: ...
    async def redact_reasons(self, participant_id: UUID) -> int:
        """A match's reasons quote both people's goals and interests: they go; score and parts stay."""
        ...

    async def excluded_among(self, participant_ids: Sequence[UUID]) -> set[tuple[UUID, UUID]]:
        """Excluded pairs within a pool, each as (lower id, higher id)."""
        ...


class Policies(Protocol):
    async def current(self, program_id: str) -> tuple[int, MatchingPolicy]:
        """The program's policy and its version; version 0 is the platform default."""
        ...

    async def set(self, program_id: str, policy: MatchingPolicy) -> int: ...
    async def history(self, program_id: str) -> Sequence[tuple[int, MatchingPolicy, datetime]]: ...


class Programs(Protocol):
    async def define(self, program_id: str, definition: ProgramDefinition, at: datetime) -> None: ...
    async def close(self, program_id: str, reason: str | None, at: datetime) -> bool:
        """True the first time it closes."""
        ...

    async def standing(self, program_id: str) -> ProgramStanding:
        """Whether it runs and who makes its pairs (a program not heard of yet runs, both ways)."""
        ...

    async def dormancy(self, program_id: str) -> DormancyRule: ...


class SessionsSeen(Protocol):
    async def scheduled(self, event: SessionScheduled) -> None: ...
    async def completed(self, event: SessionCompleted) -> None: ...
    async def cancelled(self, event: SessionCancelled) -> None: ...


class DormantPairs(Protocol):
    async def gone_quiet(self, program_id: str, quiet_before: datetime, limit: int) -> Sequence[tuple[Match, datetime]]:
        """Formed pairs not yet found dormant, last active before ``quiet_before``, each with that activity; locked."""
        ...

    async def mark_dormant(self, match_id: UUID, judged_on: datetime, at: datetime, ends_at: datetime) -> None: ...
    async def revive_pair(self, match_id: UUID, completed_at: datetime) -> bool: ...
    async def revive_program(self, program_id: str, quiet_before: datetime) -> int:
        """Dormant pairs with a newer completion, or not quiet long enough under the rule as it is now."""
        ...

    async def past_grace(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        """Dormant pairs whose grace ended with nothing completed since; locked."""
        ...


class Erasures(Protocol):
    """Who was erased (ids only): an event that would store them again, read after it, is ignored."""

    async def remember(self, participant_id: UUID, at: datetime) -> None: ...
    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]: ...


class Places(Protocol):
    """What moving places reads and writes of candidates (``places.fill_places``)."""

    async def room(self, participant_id: UUID) -> int: ...
    async def open_partners(self, candidate: Candidate) -> Sequence[Candidate]: ...
    async def reserve(self, participant_id: UUID) -> bool: ...
    async def release(self, participant_id: UUID) -> None: ...
    def shared_features(self) -> PoolFeatures | None:
        """The kernel's arrays built once for a run's whole pool (a run's plan); None: each large block builds its own."""
        ...


class Proposals(Protocol):
    """What proposing reads and writes of matches (``places.propose_all``)."""

    async def excluded_partners(self, participant_id: UUID) -> set[UUID]: ...
    async def add_many(self, proposed: Sequence[tuple[Match, PairScore]]) -> None: ...
    async def exclude_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None: ...


class Standings(Protocol):
    async def standing(self, program_id: str) -> ProgramStanding: ...


class PlacesUnitOfWork(Protocol):
    """What filling places needs: matching's unit of work, or a batch's plan of it in memory."""

    @property
    def candidates(self) -> Places: ...
    @property
    def matches(self) -> Proposals: ...
    @property
    def programs(self) -> Standings: ...

    async def emit_many(self, events: list[Event]) -> None: ...


class MatchingUnitOfWork(Protocol):
    """Read-only members: any store that keeps to its port will do (PostgreSQL's, or a test's)."""

    @property
    def clock(self) -> Clock: ...
    @property
    def profiles(self) -> ProfileViews: ...
    @property
    def candidates(self) -> Candidates: ...
    @property
    def matches(self) -> Matches: ...
    @property
    def policies(self) -> Policies: ...
    @property
    def programs(self) -> Programs: ...
    @property
    def sessions_seen(self) -> SessionsSeen: ...
    @property
    def dormant_pairs(self) -> DormantPairs: ...
    @property
    def erasures(self) -> Erasures: ...

    @property
    def institution(self) -> str | None:
        """The tenant it acts in."""
        ...

    @property
    def cause(self) -> Cause:
        """Why it acts: the request or event handled (a run's: its tenant only)."""
        ...

    async def emit(self, event: Event) -> object: ...
    async def emit_many(self, events: list[Event]) -> None: ...
    async def emit_caused(self, events: Sequence[tuple[Event, Cause]]) -> None: ...
    async def purge_published_mentions(self, participant_id: UUID) -> int: ...
    async def lock_program(self, program_id: str) -> None:
        """Until commit, no other transaction changes this program's places (on any replica)."""
        ...
