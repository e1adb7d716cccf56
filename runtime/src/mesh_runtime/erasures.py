"""Erasure, as every service that holds personal data carries it out: the same flow whatever it holds.

Each service declares its own erasure steps (in its ``application/forget_participant.py``): what it
strips of a person, and how the confirmation lists each step that found something. This module runs
them: ``confirm_erasure`` for the ``ParticipantErased`` itself, ``strip_erased`` after any other event
that may name someone erased before it arrived (on another topic, so in no fixed order with it).
Which participants were erased is kept by id only (``erased_participants``, ``PostgresErasures``)."""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

import asyncpg

from mentoring_contracts import Event, ParticipantErasureConfirmed

PUBLISHED_MENTIONS = "published events kept in the outbox"


class Erasures(Protocol):
    async def remember(self, participant_id: UUID, at: datetime) -> None:
        """Kept once: the first time they were erased."""
        ...

    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]: ...


class _Clock(Protocol):
    def now(self) -> datetime: ...


class ErasingUnitOfWork(Protocol):
    """What the flow needs of a service's unit of work (the runtime's ``UnitOfWork`` and each test fake)."""

    @property
    def clock(self) -> _Clock: ...
    @property
    def erasures(self) -> Erasures: ...
    async def emit(self, event: Event) -> object: ...
    async def purge_published_mentions(self, participant_id: UUID) -> int: ...


U = TypeVar("U", bound=ErasingUnitOfWork)

# A step: what the confirmation lists when it found something (a label, several, or None: never
# listed), and what it does, given the unit of work and the person's id; a truthy result means it found something.
ErasureStep = tuple[str | tuple[str, ...] | None, Callable[[U, UUID], Awaitable[object]]]


async def confirm_erasure(
    uow: U, service: str, participant_id: UUID, steps: Sequence[ErasureStep[U]]
) -> ParticipantErasureConfirmed:
    """Remembers the erasure at the service's time, runs the service's steps in order, drops
    published events kept in the outbox that name the person, and confirms with what was erased:
    whether or not the service held anything of them, and again when told again."""
    now = uow.clock.now()
    await uow.erasures.remember(participant_id, now)
    erased = await _strip(uow, participant_id, steps)
    if await uow.purge_published_mentions(participant_id):
        erased.append(PUBLISHED_MENTIONS)
    confirmed = ParticipantErasureConfirmed(participant_id=participant_id, service=service, erased=erased, confirmed_at=now)
    await uow.emit(confirmed)
    return confirmed


async def strip_erased(uow: U, participant_ids: Iterable[UUID], steps: Sequence[ErasureStep[U]]) -> None:
    """After any event is handled: whoever of these was erased before it arrived is stripped again."""
    for participant_id in await uow.erasures.erased_among(participant_ids):
        await _strip(uow, participant_id, steps)


async def _strip(uow: U, participant_id: UUID, steps: Sequence[ErasureStep[U]]) -> list[str]:
    erased: list[str] = []
    for listed, step in steps:
        if await step(uow, participant_id) and listed is not None:
            erased += [listed] if isinstance(listed, str) else listed
    return erased


class PostgresErasures:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def remember(self, participant_id: UUID, at: datetime) -> None:
        await self._connection.execute(
            "INSERT INTO erased_participants (participant_id, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            participant_id,
            at,
        )

    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]:
        rows = await self._connection.fetch(
            "SELECT participant_id FROM erased_participants WHERE participant_id = ANY($1::uuid[])", list(participant_ids)
        )
        return {row["participant_id"] for row in rows}
