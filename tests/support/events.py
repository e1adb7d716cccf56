"""Hand events straight to a running service's handlers, as its consumer would (without Kafka): one
event in a transaction of its own (``deliver``), or many as one batch (``deliver_batch``), cut into
runs and applied in one transaction by the runtime's own consumer."""

from typing import Any

from fastapi import FastAPI

from mentoring_contracts import Event, EventEnvelope, KafkaRecord, new_envelope, to_kafka
from mesh_runtime.consumer import EventConsumer, GroupHandler, InboundRecord, Outcome
from tests.support.identity import INSTITUTION


async def deliver(app: FastAPI, event: Event, *, institution: str = INSTITUTION, source: str = "/test") -> None:
    """The service's handler for ``event``'s type, given the batch's transaction in ``institution``."""
    await deliver_envelope(app, new_envelope(event, source=source, institution=institution))


async def deliver_envelope(app: FastAPI, envelope: EventEnvelope[Any]) -> None:
    """An envelope as published, alone in a transaction in its institution (a run of one)."""
    assert envelope.institution is not None
    components = app.state.components
    handler = app.state.definition.consumer_handlers(components)[type(envelope.data)]
    async with components.database.transaction(envelope.institution) as transaction:
        if isinstance(handler, GroupHandler):
            await handler.handle(transaction, [envelope])
        else:
            await handler(transaction, envelope)


async def deliver_all(app: FastAPI, events: list[Event], **options: Any) -> None:
    for event in events:
        await deliver(app, event, **options)


async def deliver_batch(app: FastAPI, events: list[Event], *, institution: str = INSTITUTION) -> list[Outcome]:
    """As the service's consumer takes one batch of records from Kafka, each from its type's owner."""
    return await deliver_records(app, [as_record(event, institution) for event in events])


async def deliver_records(app: FastAPI, records: list[InboundRecord]) -> list[Outcome]:
    """One batch of these records (a record given twice: a redelivery)."""
    components = app.state.components
    dead_letters: list[KafkaRecord] = []

    async def dead_letter(record: KafkaRecord) -> None:
        dead_letters.append(record)

    consumer = EventConsumer(
        app.state.definition.name, components.database, app.state.definition.consumer_handlers(components), dead_letter
    )
    return await consumer.process_batch(records)


def as_record(event: Event, institution: str = INSTITUTION) -> InboundRecord:
    """The record its owner would publish, as the broker hands it over."""
    topic = type(event).topic
    record = to_kafka(new_envelope(event, source=sorted(topic.sources)[0], institution=institution))
    headers = [(name, value.encode()) for name, value in record.headers.items()]
    return InboundRecord(topic=topic.name, partition=0, offset=0, key=record.key, headers=headers, value=record.value)
