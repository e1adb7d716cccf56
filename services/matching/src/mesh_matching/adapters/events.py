"""Which events the matching service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import (
    Event,
    EventEnvelope,
    ParticipantErased,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantProfileUpdated,
)
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.follow_participants import follow_profile_update, withdraw_participant
from mesh_matching.application.forget_participant import forget_participant
from mesh_matching.application.register_candidate import register_candidate
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:

    async def on_participant_joined(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await register_candidate(uow, envelope.data)

    async def on_profile_updated(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await follow_profile_update(uow, envelope.data)

    async def on_participant_left(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await withdraw_participant(uow, envelope.data)

    async def on_participant_erased(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause.of(envelope))
        await forget_participant(uow, envelope.data)

    return {
        ParticipantErased: on_participant_erased,
        ParticipantJoined: on_participant_joined,
        ParticipantProfileUpdated: on_profile_updated,
        ParticipantLeft: on_participant_left,
    }
