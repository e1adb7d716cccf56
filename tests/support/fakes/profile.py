"""Profile's unit of work in memory: each store a dict that behaves as its PostgreSQL store does (its
unique constraints included; what it locks aside), the events it emitted in a list, and a clock the
test sets. Use cases and event handlers run on it in milliseconds."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from mentoring_contracts import Event, ProgramDefinition
from mesh_profile.application.errors import AlreadyJoined, ProgramIdTaken
from mesh_profile.application.ports import StoredParticipant
from mesh_profile.domain.erasure import Erasure
from mesh_profile.domain.participant import Participant, ParticipantStatus
from mesh_profile.domain.program import Program
from mesh_runtime.db import Cause
from tests.support.fakes.clock import FixedClock
from tests.support.identity import INSTITUTION


class FakeParticipants:
    def __init__(self) -> None:
        self.by_id: dict[UUID, Participant] = {}
        self.erasures: dict[UUID, Erasure] = {}

    async def add(self, participant: Participant) -> None:
        await self.add_many([participant])

    async def add_many(self, participants: Sequence[Participant]) -> None:
        for participant in participants:
            if self._taken(participant):
                raise AlreadyJoined(participant.profile.program_id, None, what="this email or account")
            self.by_id[participant.participant_id] = participant

    async def get(self, participant_id: UUID) -> Participant | None:
        return self.by_id.get(participant_id)

    async def get_for_update(self, participant_id: UUID) -> Participant | None:
        return self.by_id.get(participant_id)

    async def save(self, participant: Participant) -> None:
        await self.save_many([participant])

    async def save_many(self, participants: Sequence[Participant]) -> None:
        for participant in participants:
            if self._taken(participant):
                raise AlreadyJoined(participant.profile.program_id, None)
            self.by_id[participant.participant_id] = participant

    async def find_by_email(self, program_id: str, email_key: str) -> Participant | None:
        return next((p for p in self._of(program_id) if p.email_key == email_key), None)

    async def find_by_subject(self, program_id: str, subject: str) -> Participant | None:
        return next((p for p in self._of(program_id) if p.subject == subject), None)

    async def named_by(self, program_id: str, external_ids: Sequence[str], email_keys: Sequence[str]) -> list[StoredParticipant]:
        return [
            StoredParticipant.of(p)
            for p in self._of(program_id)
            if (p.external_id is not None and p.external_id in external_ids) or p.email_key in email_keys
        ]

    async def of_account(self, subject: str, email_key: str | None) -> list[Participant]:
        return [
            p
            for p in self.by_id.values()
            if p.subject == subject or (p.subject is None and email_key is not None and p.email_key == email_key)
        ]

    async def erasure(self, participant_id: UUID) -> Erasure | None:
        return self.erasures.get(participant_id)

    async def add_erasure(self, erasure: Erasure) -> None:
        self.erasures[erasure.participant_id] = erasure

    async def confirm_erasure(self, participant_id: UUID, service: str, at: datetime, erased: list[str]) -> None:
        """As the store: a confirmation seen twice (or late) keeps the first one given."""
        erasure = self.erasures.get(participant_id)
        if erasure is None or service in erasure.confirmations:
            return
        self.erasures[participant_id] = replace(
            erasure, confirmations=erasure.confirmations | {service: at}, erased=erasure.erased | {service: erased}
        )

    def _of(self, program_id: str) -> list[Participant]:
        return [p for p in self.by_id.values() if p.profile.program_id == program_id]

    def _taken(self, participant: Participant) -> bool:
        """The table's unique constraints: one email, one account, one external id per program."""
        return any(
            other.participant_id != participant.participant_id
            and (
                other.email_key == participant.email_key
                or (participant.subject is not None and other.subject == participant.subject)
                or (participant.external_id is not None and other.external_id == participant.external_id)
            )
            for other in self._of(participant.profile.program_id)
        )


class FakePrograms:
    def __init__(self) -> None:
        self.by_id: dict[str, Program] = {}

    async def add(self, program: Program) -> None:
        if program.program_id in self.by_id:
            raise ProgramIdTaken(f"program id {program.program_id!r} is taken; choose another")
        self.by_id[program.program_id] = program

    async def get(self, program_id: str, *, for_update: bool = False) -> Program | None:
        return self.by_id.get(program_id)

    async def get_for_share(self, program_id: str) -> Program | None:
        return self.by_id.get(program_id)

    async def save(self, program: Program) -> None:
        self.by_id[program.program_id] = program

    async def get_many(self, program_ids: Sequence[str]) -> list[Program]:
        return [self.by_id[program_id] for program_id in program_ids if program_id in self.by_id]


class FakeSeats:
    """Per program, each limited role's [most, taken]."""

    def __init__(self, participants: FakeParticipants) -> None:
        self._participants = participants
        self.by_program: dict[str, dict[str, list[int]]] = {}

    async def take(self, program_id: str, roles: Sequence[str], seats: int = 1) -> list[str]:
        limited = self.by_program.get(program_id, {})
        full = sorted(role for role in set(roles) if role in limited and limited[role][1] + seats > limited[role][0])
        if not full:
            for role in set(roles) & set(limited):
                limited[role][1] += seats
        return full

    async def limited(self, program_id: str) -> dict[str, tuple[int, int]]:
        return {role: (most, taken) for role, (most, taken) in sorted(self.by_program.get(program_id, {}).items())}

    async def give_back(self, program_id: str, roles: Sequence[str]) -> None:
        limited = self.by_program.get(program_id, {})
        for role in set(roles) & set(limited):
            limited[role][1] = max(limited[role][1] - 1, 0)

    async def change(self, program_id: str, taken: dict[str, int]) -> None:
        for role, delta in taken.items():
            self.by_program[program_id][role][1] += delta

    async def set_limits(self, program_id: str, definition: ProgramDefinition) -> None:
        """A role newly limited counts its active participants once; a known one keeps its count."""
        before = self.by_program.get(program_id, {})
        self.by_program[program_id] = {
            limit.role: [limit.most, before[limit.role][1] if limit.role in before else self._active(program_id, limit.role)]
            for limit in definition.capacity
        }

    def _active(self, program_id: str, role: str) -> int:
        return sum(
            1
            for p in self._participants.by_id.values()
            if p.profile.program_id == program_id
            and p.status is ParticipantStatus.ACTIVE
            and any(topic.role == role for topic in p.profile.topics)
        )


class FakeProfileUnitOfWork:
    """``emitted``: every event emitted, in order; ``purged``: the participants whose published
    mentions an erasure dropped from the outbox."""

    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock or FixedClock()
        self.cause = Cause(institution=INSTITUTION)
        self.participants = FakeParticipants()
        self.programs = FakePrograms()
        self.seats = FakeSeats(self.participants)
        self.emitted: list[Event] = []
        self.purged: list[UUID] = []
        self.rosters_locked: list[str] = []

    async def emit(self, event: Event) -> Event:
        self.emitted.append(event)
        return event

    async def emit_many(self, events: list[Event]) -> None:
        self.emitted += events

    async def lock_roster(self, program_id: str) -> None:
        self.rosters_locked.append(program_id)

    async def purge_published_mentions(self, participant_id: UUID) -> int:
        self.purged.append(participant_id)
        return 0

    def emitted_types(self) -> list[str]:
        return [type(event).__name__ for event in self.emitted]
