"""Which events the notify service consumes: every one a participant should hear about."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import (
    Event,
    EventEnvelope,
    MatchAccepted,
    MatchDeclined,
    MatchEnded,
    MatchExpired,
    MatchProposed,
    ParticipantErased,
    ParticipantJoined,
    ParticipantProfileUpdated,
    SessionCancelled,
    SessionCompleted,
    SessionScheduled,
)
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.forget_participant import forget_participant, strip_erased
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.domain.planning import mentioned_ids
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    async def on_event(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope))
        planned = await plan_notifications(uow, envelope)
        await strip_erased(uow, {n.recipient_id for n in planned} | mentioned_ids(envelope.data))

    async def on_participant_erased(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope))
        await forget_participant(uow, envelope.data)

    return {
        ParticipantErased: on_participant_erased,
        **{model: on_event
           for model in (ParticipantJoined, ParticipantProfileUpdated, MatchProposed, MatchAccepted, MatchDeclined,
                         MatchExpired, MatchEnded, SessionScheduled, SessionCancelled, SessionCompleted)},
    }
