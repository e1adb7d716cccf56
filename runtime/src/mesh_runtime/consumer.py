"""Idempotent event consumer with a dead-letter topic, taking records in batches.

A batch (records of several partitions, each partition's in offset order) is decoded against the
contracts; its effects, inbox rows and outbox rows are written in one transaction, and only then may
the offsets be committed. A record that can never be processed (malformed, unknown type, not from
its type's owners, a handler's non-transient error) goes to the group's dead-letter topic alone:
the transaction is replayed without it, every other record of the batch is applied. A transient
failure (database, broker or a peer unreachable) raises ``TransientFailure``: nothing of the batch
is kept, and the caller seeks back and redelivers the whole batch, which the inbox makes harmless.

Handlers work on sets: the batch's events are cut into runs of consecutive events of one tenant that
go to one handler (``groups.runs``), so the order of the batch is the order they are applied in. A
``GroupHandler`` takes a run whole (one query per kind of read, one statement per kind of write); a
plain ``Handler`` is called once per event of it.
"""

import contextlib
import enum
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import structlog
from aiokafka.errors import KafkaError

from mentoring_contracts import (
    ContractError,
    Event,
    EventEnvelope,
    KafkaRecord,
    MalformedEvent,
    dead_letter_topic,
    from_kafka,
    topics_read,
)
from mesh_runtime.db import Database, Transaction
from mesh_runtime.groups import runs
from mesh_runtime.metrics import ServiceMetrics
from mesh_runtime.provenance import NotFromItsOwner, check_owner
from mesh_runtime.tracing import SpanKind, continued

log = structlog.get_logger(__name__)

Handler = Callable[[Transaction, EventEnvelope[Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class GroupHandler:
    """Takes a run of consecutive events of one tenant at once, in the batch's order (set-based)."""

    handle: Callable[[Transaction, Sequence[EventEnvelope[Any]]], Awaitable[None]]


# Called once per batch before its transaction, with the envelopes the handlers will see: reads
# from other services for the whole batch in one call (handlers fall back to one read each).
Prefetch = Callable[[Sequence[EventEnvelope[Any]]], Awaitable[None]]
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
    """A handler cannot act yet but will be able to (e.g. a peer service is unreachable)."""


class TransientFailure(Exception):
    """Processing failed for a reason that may pass; the records must be redelivered."""


_REDELIVERED: tuple[type[BaseException], ...] = (RetryLater, *TRANSIENT_ERRORS)  # the whole batch is tried again


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


@dataclass(frozen=True, slots=True)
class _Work:
    index: int  # position in the batch
    handler: Handler | GroupHandler
    envelope: EventEnvelope[Any]

    @property
    def tenant(self) -> str:
        assert self.envelope.institution is not None  # process_batch dead-letters an event without one
        return self.envelope.institution


class _HandlerFailed(Exception):
    def __init__(self, work: _Work, error: Exception) -> None:
        super().__init__(str(error))
        self.work, self.error = work, error


@dataclass
class EventConsumer:
    """One consumer group of one service: which events it handles and how."""

    group: str
    database: Database
    handlers: Mapping[type[Event], Handler | GroupHandler]
    publish_dead_letter: PublishRecord
    topics: tuple[str, ...] = field(default=())
    prefetch: Prefetch | None = None
    metrics: ServiceMetrics | None = None

    def __post_init__(self) -> None:
        self._by_type = {model.event_type(): handler for model, handler in self.handlers.items()}
        if not self.topics:
            self.topics = topics_read(self.handlers)

    @property
    def dead_letter_topic(self) -> str:
        return dead_letter_topic(self.group)

    async def process(self, record: InboundRecord) -> Outcome:
        """A batch of one."""
        return (await self.process_batch([record]))[0]

    async def process_batch(self, records: Sequence[InboundRecord]) -> list[Outcome]:
        """Applies the batch in one transaction; returns each record's outcome, in order."""
        outcomes: dict[int, Outcome] = {}
        poison: dict[int, BaseException] = {}
        work: list[_Work] = []
        for index, record in enumerate(records):
            try:
                envelope = from_kafka(record.headers, record.value)
                if envelope.institution is None:  # every row a handler writes is some institution's
                    raise MalformedEvent("no ce_institution: the event's tenant is unknown")
            except ContractError as error:
                poison[index] = error
                continue
            if (handler := self._by_type.get(envelope.type)) is None:
                log.debug("event not handled by this consumer", topic=record.topic, event_type=envelope.type)
                outcomes[index] = Outcome.IGNORED
                continue
            try:
                check_owner(record.topic, envelope)
            except NotFromItsOwner as error:
                poison[index] = error
                continue
            work.append(_Work(index, handler, envelope))
        if work:
            await self._prefetch(work)
            try:
                outcomes |= await self._apply(work)
            except _HandlerFailed as failure:  # replay with each event alone in a savepoint
                log.info(
                    "a handler failed in the batch; applying the rest one by one",
                    event_id=str(failure.work.envelope.id),
                    batch_size=len(work),
                )
                applied, failed = await self._apply_isolated(work)
                outcomes |= applied
                for item, handler_error in failed:
                    record = records[item.index]
                    log.error(
                        "handler failed; dead-lettering",
                        event_id=str(item.envelope.id),
                        event_type=item.envelope.type,
                        topic=record.topic,
                        offset=record.offset,
                        exc_info=handler_error,
                    )
                    poison[item.index] = handler_error
        for index, refusal in sorted(poison.items()):  # after the commit: a dead letter means the rest was applied
            outcomes[index] = await self._dead_letter(records[index], refusal)
        if self.metrics is not None:
            types = {item.index: item.envelope.type for item in work}
            for index, outcome in outcomes.items():
                self.metrics.consumed(outcome.value)
                if outcome is Outcome.DUPLICATE:
                    self.metrics.duplicate(types[index])
        return [outcomes[index] for index in range(len(records))]

    async def _prefetch(self, work: list[_Work]) -> None:
        if self.prefetch is None:
            return
        try:
            with _transient_as_failure():
                await self.prefetch([item.envelope for item in work])
        except TransientFailure:
            raise
        except Exception:  # only an optimisation: each handler then reads what it needs itself
            log.warning("prefetch failed; the handlers read one by one", exc_info=True)

    async def _apply(self, work: list[_Work]) -> dict[int, Outcome]:
        """All in one transaction, the inbox rows in one statement, each run of the batch handed to its
        handler whole; the first handler error undoes it all."""
        outcomes: dict[int, Outcome] = {}
        with _transient_as_failure():
            async with self.database.transaction() as transaction:
                fresh = await self._first_deliveries(transaction, work)
                first: list[_Work] = []
                for item in work:
                    if item.envelope.id not in fresh:
                        outcomes[item.index] = _duplicate(item)
                        continue
                    fresh.discard(item.envelope.id)  # the same event twice in one batch: once
                    first.append(item)
                for run in runs(first, key=lambda item: (item.tenant, id(item.handler))):
                    try:
                        await self._handle(transaction, run)
                    except _REDELIVERED:
                        raise
                    except Exception as error:  # a handler bug must not block the partition
                        raise _HandlerFailed(run[0], error) from error
                    outcomes |= dict.fromkeys((item.index for item in run), Outcome.PROCESSED)
        log.info("batch processed", events=len(work), applied=sum(o is Outcome.PROCESSED for o in outcomes.values()))
        return outcomes

    async def _apply_isolated(self, work: list[_Work]) -> tuple[dict[int, Outcome], list[tuple[_Work, Exception]]]:
        """One transaction, each event with its inbox row in a savepoint of its own: a failing one is
        undone alone (and gets no inbox row, so a replay from the dead-letter topic applies it)."""
        outcomes: dict[int, Outcome] = {}
        failed: list[tuple[_Work, Exception]] = []
        with _transient_as_failure():
            async with self.database.transaction() as transaction:
                for item in work:
                    try:
                        async with transaction.savepoint():
                            if not await self._first_deliveries(transaction, [item]):
                                outcomes[item.index] = _duplicate(item)
                                continue
                            await self._handle(transaction, [item])
                            outcomes[item.index] = Outcome.PROCESSED
                    except _REDELIVERED:
                        raise
                    except Exception as error:  # noqa: BLE001 (dead-lettered with its error once the rest commits)
                        failed.append((item, error))
        return outcomes, failed

    async def _handle(self, transaction: Transaction, run: list[_Work]) -> None:
        """One run: a group handler takes it whole, a plain handler one event at a time."""
        handler = run[0].handler
        await transaction.act_in(run[0].tenant)
        if isinstance(handler, GroupHandler):
            with self._span(run):
                started = time.perf_counter()
                await handler.handle(transaction, [item.envelope for item in run])
                self._handled(run, time.perf_counter() - started)
            return
        for item in run:
            with self._span([item]):
                started = time.perf_counter()
                await handler(transaction, item.envelope)
                self._handled([item], time.perf_counter() - started)

    @contextlib.contextmanager
    def _span(self, run: list[_Work]) -> Iterator[None]:
        """The run's log context and trace span, continuing its first event's trace."""
        envelope = run[0].envelope
        bound: dict[str, object] = {
            "event_id": str(envelope.id),
            "correlation_id": str(envelope.correlationid),
            "event_type": envelope.type,
        }
        attributes: dict[str, str | int] = {
            "messaging.system": "kafka",
            "messaging.consumer.group.name": self.group,
            "messaging.message.id": str(envelope.id),
            "cloudevents.event_type": envelope.type,
        }
        if len(run) > 1:
            bound["events"] = attributes["messaging.batch.message_count"] = len(run)
        with (
            structlog.contextvars.bound_contextvars(**bound),
            continued(
                f"{self.group} process {envelope.data.name}",
                envelope.traceparent,
                envelope.tracestate,
                kind=SpanKind.CONSUMER,  # named, so the attributes below can only be attributes
                **attributes,
            ),
        ):
            yield

    def _handled(self, run: list[_Work], seconds: float) -> None:
        if self.metrics is not None:
            for item in run:
                self.metrics.handled(item.envelope.type, seconds / len(run))

    async def _first_deliveries(self, transaction: Transaction, work: list[_Work]) -> set[UUID]:
        """Writes the inbox rows; returns the ids of the events never processed before."""
        rows = await transaction.connection.fetch(
            """
            INSERT INTO mesh_inbox (consumer_group, event_id, event_type)
            SELECT $1, event_id, event_type FROM unnest($2::uuid[], $3::text[]) AS batch (event_id, event_type)
            ON CONFLICT DO NOTHING RETURNING event_id
            """,
            self.group,
            [item.envelope.id for item in work],
            [item.envelope.type for item in work],
        )
        return {row["event_id"] for row in rows}

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
        if self.metrics is not None:
            self.metrics.dead_lettered(type(error).__name__)
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


def _duplicate(item: _Work) -> Outcome:
    log.info("duplicate event skipped", event_id=str(item.envelope.id), event_type=item.envelope.type)
    return Outcome.DUPLICATE


@contextlib.contextmanager
def _transient_as_failure() -> Iterator[None]:
    """RetryLater and transient errors leave the batch as ``TransientFailure``: redeliver it all."""
    try:
        yield
    except RetryLater as error:
        raise TransientFailure(str(error)) from error
    except TRANSIENT_ERRORS as error:
        raise TransientFailure(f"{type(error).__name__}: {error}") from error
