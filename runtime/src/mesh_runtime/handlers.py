"""A service's event handlers: one table of plain module-level functions, each given a ready unit of
work and the event. What a service consumes is derived from its table, never listed again."""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from mentoring_contracts import CATALOG, Event, EventEnvelope
from mesh_runtime.components import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction, UnitOfWork

# ``async def on_participant_joined(uow: MatchingUnitOfWork, event: ParticipantJoined) -> None``
EventHandler = Callable[[Any, Any], Awaitable[None]]
HandlerTable = Mapping[type[Event], EventHandler]


def with_history(model: type[Event]) -> list[type[Event]]:
    """An event and its retired versions (history still read from the topics), as the contracts say."""
    return [model, *(old for old in CATALOG if old.retired and old is not model and old.name == model.name)]


def consumed_events(handlers: HandlerTable) -> list[type[Event]]:
    """Every version of every event the table handles: each retired version goes to its current
    version's handler, which reads both."""
    return [version for model in handlers for version in with_history(model)]


def bind(handlers: HandlerTable, unit_of_work: type[UnitOfWork], components: Components) -> dict[type[Event], Handler]:
    """The consumer's handlers: each opens nothing, it is given the batch's transaction (already in
    the event's tenant) and builds the service's unit of work on it, caused by the event."""
    bound: dict[type[Event], Handler] = {}
    for model, handler in handlers.items():

        async def consume(transaction: Transaction, envelope: EventEnvelope[Any], handler: EventHandler = handler) -> None:
            await handler(unit_of_work.of(transaction, Cause.of(envelope), components), envelope.data)

        for version in with_history(model):
            bound[version] = consume
    return bound
