"""Which events the profile service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import Event, EventEnvelope, ParticipantErasureConfirmed
from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_profile.application.erase_participant import confirm_erasure
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    async def on_erasure_confirmed(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        uow = PostgresProfileUnitOfWork(transaction, components.source, Cause.of(envelope))
        await confirm_erasure(uow, envelope.data)

    return {ParticipantErasureConfirmed: on_erasure_confirmed}
