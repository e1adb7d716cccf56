"""Which events the scheduling service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import Event, EventEnvelope, MatchAccepted, MatchEnded
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.end_pair import end_pair
from mesh_scheduling.application.schedule_session import schedule_first_session


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    async def on_match_accepted(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await schedule_first_session(uow, envelope.data)

    async def on_match_ended(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await end_pair(uow, envelope.data)

    return {MatchAccepted: on_match_accepted, MatchEnded: on_match_ended}
