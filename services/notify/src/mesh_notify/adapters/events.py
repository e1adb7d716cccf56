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
    ParticipantJoined,
    ParticipantProfileUpdated,
    SessionCancelled,
    SessionCompleted,
    SessionScheduled,
)
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    async def on_event(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope))
        await plan_notifications(uow, envelope)

    return {
        model: on_event
        for model in (ParticipantJoined, ParticipantProfileUpdated, MatchProposed, MatchAccepted, MatchDeclined,
                      MatchExpired, MatchEnded, SessionScheduled, SessionCancelled, SessionCompleted)
    }
