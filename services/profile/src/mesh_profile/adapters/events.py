"""Which events the profile service consumes, and the use case each one drives."""

from collections.abc import Mapping
from typing import Any

from mentoring_contracts import Event, EventEnvelope, ParticipantErasureConfirmed, service_source
from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_profile.application.erase_participant import confirm_erasure
from mesh_runtime.app import Components
from mesh_runtime.consumer import Handler
from mesh_runtime.db import Cause, Transaction
from mesh_runtime.provenance import NotFromItsOwner


def event_handlers(components: Components) -> Mapping[type[Event], Handler]:
    async def on_erasure_confirmed(transaction: Transaction, envelope: EventEnvelope[Any]) -> None:
        """A service confirms only its own erasure."""
        # Three services write the topic; the consumer has checked the source is one of them, and
        # this that it is the one the confirmation names (dead-lettered otherwise).
        if envelope.source != service_source(envelope.data.service):
            raise NotFromItsOwner(f"an erasure confirmation for {envelope.data.service!r} from {envelope.source!r}")
        uow = PostgresProfileUnitOfWork(transaction, components.source, Cause.of(envelope))
        await confirm_erasure(uow, envelope.data)

    return {ParticipantErasureConfirmed: on_erasure_confirmed}
