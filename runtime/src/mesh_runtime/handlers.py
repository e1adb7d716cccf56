"""A service's event handlers: one table of plain module-level functions, each given a ready unit of
work and the event. What a service consumes is derived from its table, never listed again.

A hot path takes its events as a set: ``batched(handler)`` in the table gives the handler one unit of
work (acting in the run's tenant) and every event of a run of the batch, each with its own cause
(``Delivered``), so it reads what they all need in one query and writes each kind of row once."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mentoring_contracts import CATALOG, Event, EventEnvelope
from mesh_runtime.components import Components
from mesh_runtime.consumer import GroupHandler, Handler
from mesh_runtime.db import Cause, Transaction, UnitOfWork

E = TypeVar("E", bound=Event)


@dataclass(frozen=True, slots=True)
class Delivered(Generic[E]):
    """One event of a run, and its cause: what it emits is caused by it (``UnitOfWork.emit_caused``)."""

    event: E
    cause: Cause


# ``async def on_participant_joined(uow: MatchingUnitOfWork, event: ParticipantJoined) -> None``
EventHandler = Callable[[Any, Any], Awaitable[None]]
# ``async def on_participants_joined(uow: MatchingUnitOfWork, joins: Sequence[Delivered[...]]) -> None``
SetHandler = Callable[[Any, Sequence[Delivered[Any]]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Batched:
    """A table entry whose handler takes a run of events at once."""

    handler: SetHandler


def batched(handler: SetHandler) -> Batched:
    return Batched(handler)


HandlerTable = Mapping[type[Event], EventHandler | Batched]


def with_history(model: type[Event]) -> list[type[Event]]:
    """An event and its retired versions (history still read from the topics), as the contracts say."""
    return [model, *(old for old in CATALOG if old.retired and old is not model and old.name == model.name)]


def consumed_events(handlers: HandlerTable) -> list[type[Event]]:
    """Every version of every event the table handles: each retired version goes to its current
    version's handler, which reads both."""
    return [version for model in handlers for version in with_history(model)]


def bind(
    handlers: HandlerTable, unit_of_work: type[UnitOfWork], components: Components
) -> dict[type[Event], Handler | GroupHandler]:
    """The consumer's handlers: each opens nothing, it is given the batch's transaction (already in
    the events' tenant) and builds the service's unit of work on it, caused by the event (a run's
    by its tenant, each of its events bringing its own cause)."""
    bound: dict[type[Event], Handler | GroupHandler] = {}
    runs: dict[int, GroupHandler] = {}  # one per entry: events of several types under one entry form one run
    for model, entry in handlers.items():
        consume: Handler | GroupHandler
        if isinstance(entry, Batched):
            consume = runs.setdefault(id(entry), GroupHandler(_run_handler(entry.handler, unit_of_work, components)))
        else:
            consume = _event_handler(entry, unit_of_work, components)
        for version in with_history(model):
            bound[version] = consume
    return bound


def _event_handler(handler: EventHandler, unit_of_work: type[UnitOfWork], components: Components) -> Handler:
    async def consume(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        await handler(unit_of_work.of(transaction, Cause.of(envelope), components), envelope.data)

    return consume


def _run_handler(
    handler: SetHandler, unit_of_work: type[UnitOfWork], components: Components
) -> Callable[[Transaction, Sequence[EventEnvelope[Any]]], Awaitable[None]]:
    async def consume(transaction: Transaction, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        tenant = Cause(institution=envelopes[0].institution)
        delivered = [Delivered(envelope.data, Cause.of(envelope)) for envelope in envelopes]
        await handler(unit_of_work.of(transaction, tenant, components), delivered)

    return consume
