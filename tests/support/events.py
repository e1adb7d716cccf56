"""Hand an event straight to a running service's handler, in one transaction, as its consumer would
(without Kafka): for tests of what a handler does, in a chosen order."""

from typing import Any

from fastapi import FastAPI

from mentoring_contracts import Event, new_envelope
from tests.support.identity import INSTITUTION


async def deliver(app: FastAPI, event: Event, *, institution: str = INSTITUTION, source: str = "/test") -> None:
    """The service's handler for ``event``'s type, given the batch's transaction in ``institution``."""
    envelope = new_envelope(event, source=source, institution=institution)
    components = app.state.components
    handler = app.state.definition.consumer_handlers(components)[type(event)]
    async with components.database.transaction(institution) as transaction:
        await handler(transaction, envelope)


async def deliver_all(app: FastAPI, events: list[Event], **options: Any) -> None:
    for event in events:
        await deliver(app, event, **options)
