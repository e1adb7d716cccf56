"""Idempotent event consumer with a dead-letter topic.

For each record: decode it against the contracts; run the handler and record the event id in
the inbox in one transaction; only then may the offset be committed. A record that can never be
processed (malformed, unknown type, a handler's non-transient error) is written to the group's
dead-letter topic with the reason in its headers, and consumption moves on. A transient failure
(database or broker unreachable) raises ``TransientFailure``: the caller seeks back and retries.
"""

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import structlog
from aiokafka.errors import KafkaError

from mentoring_contracts import ContractError, Event, EventEnvelope, KafkaRecord, MalformedEvent, dead_letter_topic, from_kafka
from mesh_runtime.db import Database, Transaction

log = structlog.get_logger(__name__)

Handler = Callable[[Transaction, EventEnvelope[Any]], Awaitable[None]]
PublishRecord = Callable[[KafkaRecord], Awaitable[None]]

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.CannotConnectNowError,
    KafkaError,
    ConnectionError,
    TimeoutError,
    OSError,
)


class RetryLater(Exception):
    """A handler cannot act yet but will be able to (e.g. waits for another event)."""


class TransientFailure(Exception):
    """Processing failed for a reason that may pass; the record must be redelivered."""


class Outcome(enum.Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True, slots=True)
class InboundRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: list[tuple[str, bytes]]
    value: bytes | None


@dataclass
class EventConsumer:
    """One consumer group of one service: which events it handles and how."""

    group: str
    database: Database
    handlers: Mapping[type[Event], Handler]
    publish_dead_letter: PublishRecord
    topics: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self._by_type = {model.event_type(): handler for model, handler in self.handlers.items()}
        if not self.topics:
            self.topics = tuple(sorted({model.topic.name for model in self.handlers}))

    @property
    def dead_letter_topic(self) -> str:
        return dead_letter_topic(self.group)

    async def process(self, record: InboundRecord) -> Outcome:
        try:
            envelope = from_kafka(record.headers, record.value)
        except ContractError as error:
            return await self._dead_letter(record, error)
        if envelope.institution is None:  # every row a handler writes is some institution's
            return await self._dead_letter(record, MalformedEvent("no ce_institution: the event's tenant is unknown"))
        handler = self._by_type.get(envelope.type)
        bound = {"event_id": str(envelope.id), "correlation_id": str(envelope.correlationid), "event_type": envelope.type}
        with structlog.contextvars.bound_contextvars(**bound):
            if handler is None:
                log.debug("event not handled by this consumer", topic=record.topic)
                return Outcome.IGNORED
            try:
                return await self._handle_once(handler, envelope)
            except RetryLater as error:
                raise TransientFailure(str(error)) from error
            except TRANSIENT_ERRORS as error:
                raise TransientFailure(f"{type(error).__name__}: {error}") from error
            except Exception as error:  # a handler bug must not block the partition
                log.exception("handler failed; dead-lettering", topic=record.topic, offset=record.offset)
                return await self._dead_letter(record, error)

    async def _handle_once(self, handler: Handler, envelope: EventEnvelope[Any]) -> Outcome:
        async with self.database.transaction(envelope.institution) as transaction:
            first_time = await transaction.connection.fetchval(
                """
                INSERT INTO mesh_inbox (consumer_group, event_id, event_type) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING RETURNING true
                """,
                self.group,
                envelope.id,
                envelope.type,
            )
            if not first_time:
                log.info("duplicate event skipped")
                return Outcome.DUPLICATE
            await handler(transaction, envelope)
        log.info("event processed")
        return Outcome.PROCESSED

    async def _dead_letter(self, record: InboundRecord, error: BaseException) -> Outcome:
        headers = {name: raw.decode(errors="replace") for name, raw in record.headers}
        headers.update(
            {
                "dlt_error_class": type(error).__name__,
                "dlt_error_message": str(error)[:2000],
                "dlt_original_topic": record.topic,
                "dlt_original_partition": str(record.partition),
                "dlt_original_offset": str(record.offset),
                "dlt_consumer_group": self.group,
                "dlt_failed_at": datetime.now(UTC).isoformat(),
            }
        )
        try:
            await self.publish_dead_letter(
                KafkaRecord(topic=self.dead_letter_topic, key=record.key or b"", headers=headers, value=record.value or b"")
            )
        except TRANSIENT_ERRORS as publish_error:
            raise TransientFailure(f"dead-letter publish failed: {publish_error}") from publish_error
        log.warning(
            "record dead-lettered",
            error=str(error)[:500],
            error_class=type(error).__name__,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            dead_letter_topic=self.dead_letter_topic,
        )
        return Outcome.DEAD_LETTERED
