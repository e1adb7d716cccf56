"""What the use cases need from the outside world."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from mentoring_contracts import Event, ProgramDefinition
from mentoring_contracts.events.participants import Role
from mesh_profile.domain.erasure import Erasure
from mesh_profile.domain.participant import Participant, ParticipantStatus
from mesh_profile.domain.program import Program


class Clock(Protocol):
    """The service's time: use cases read it here only, never the wall clock."""

    def now(self) -> datetime: ...


@dataclass(slots=True)
class StoredParticipant:
    """A participant as stored, read for a batch: what a roster row is matched and checked against,
    and the stored profile as its JSON document (a row whose profile dumps to it is unchanged). The
    participant itself, whose profile is validated again, is built only when a row needs it."""

    participant_id: UUID
    external_id: str | None
    email_key: str
    campus: str
    status: ParticipantStatus
    document: dict[str, Any]
    build: Callable[[], Participant] = field(repr=False)
    _built: Participant | None = field(default=None, repr=False)

    @property
    def participant(self) -> Participant:
        if self._built is None:
            self._built = self.build()
        return self._built

    @classmethod
    def of(cls, participant: Participant) -> "StoredParticipant":
        return cls(
            participant.participant_id,
            participant.external_id,
            participant.email_key,
            participant.profile.campus,
            participant.status,
            participant.profile.model_dump(mode="json"),
            lambda: participant,
            participant,
        )


class Participants(Protocol):
    async def add(self, participant: Participant) -> None: ...
    async def get(self, participant_id: UUID) -> Participant | None: ...
    async def get_for_update(self, participant_id: UUID) -> Participant | None: ...
    async def save(self, participant: Participant) -> None: ...
    async def find_by_email(self, program_id: str, email_key: str) -> Participant | None: ...
    async def find_by_subject(self, program_id: str, subject: str) -> Participant | None: ...
    async def erasure(self, participant_id: UUID) -> Erasure | None: ...
    async def add_erasure(self, erasure: Erasure) -> None: ...
    async def confirm_erasure(self, participant_id: UUID, service: str, at: datetime, erased: list[str]) -> None: ...
    async def named_by(self, program_id: str, external_ids: Sequence[str], email_keys: Sequence[str]) -> list[StoredParticipant]:
        """The program's participants with one of these external ids or (lower-cased) emails, locked
        until commit, each once."""
        ...

    async def add_many(self, participants: Sequence[Participant]) -> None:
        """In one statement (a batch's joins)."""
        ...

    async def save_many(self, participants: Sequence[Participant]) -> None:
        """In one statement (a batch's changes)."""
        ...

    async def of_account(self, subject: str, email_key: str | None) -> list[Participant]:
        """Of every program of the institution: those bound to the account, and those bound to none
        with this email (``email_key``: lower-cased; None: no such)."""
        ...


class Programs(Protocol):
    async def add(self, program: Program) -> None: ...
    async def get(self, program_id: str, *, for_update: bool = False) -> Program | None: ...
    async def get_for_share(self, program_id: str) -> Program | None:
        """Read for a join: a close waits until it commits."""
        ...

    async def save(self, program: Program) -> None: ...
    async def get_many(self, program_ids: Sequence[str]) -> list[Program]: ...


class Seats(Protocol):
    async def take(self, program_id: str, roles: Sequence[Role], seats: int = 1) -> list[str]:
        """Takes a seat (or ``seats``) of every limited role among ``roles`` if all have room; returns
        the full ones (then nothing is taken)."""
        ...

    async def limited(self, program_id: str) -> dict[str, tuple[int, int]]:
        """Each limited role: (most, taken), locked until commit."""
        ...

    async def give_back(self, program_id: str, roles: Sequence[Role]) -> None: ...
    async def change(self, program_id: str, taken: dict[str, int]) -> None:
        """Adds to each role's seats taken (a batch counted under ``limited``'s lock)."""
        ...

    async def set_limits(self, program_id: str, definition: ProgramDefinition) -> None: ...


class ProfileUnitOfWork(Protocol):
    """One transaction: changes and emitted events commit together or not at all."""

    @property
    def participants(self) -> Participants: ...
    @property
    def programs(self) -> Programs: ...
    @property
    def seats(self) -> Seats: ...
    @property
    def clock(self) -> Clock: ...

    async def emit(self, event: Event) -> object: ...
    async def emit_many(self, events: list[Event]) -> None: ...
    async def lock_roster(self, program_id: str) -> None:
        """Until commit, no other roster import of this program runs (on any replica)."""
        ...

    async def purge_published_mentions(self, participant_id: UUID) -> int: ...
