"""Which events the scheduling service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import Event, EventEnvelope, MatchAccepted, MatchEnded, ParticipantErased
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.end_pair import end_pair
from mesh_scheduling.application.forget_participant import forget_participant, strip_erased
from mesh_scheduling.application.schedule_session import schedule_first_session


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    async def on_match_accepted(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await schedule_first_session(uow, envelope.data)
        await strip_erased(uow, [member.participant_id for member in envelope.data.participants])

    async def on_match_ended(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await end_pair(uow, envelope.data)

    async def on_participant_erased(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await forget_participant(uow, envelope.data)

    return {MatchAccepted: on_match_accepted, MatchEnded: on_match_ended, ParticipantErased: on_participant_erased}
