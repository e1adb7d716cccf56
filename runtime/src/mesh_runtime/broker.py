"""Kafka through FastStream: the broker, topic creation, publishing records, consuming with retries."""

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import structlog
from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.security import BaseSecurity

from mentoring_contracts import KafkaRecord, Topic
from mesh_runtime.consumer import EventConsumer, InboundRecord, TransientFailure

log = structlog.get_logger(__name__)
MAX_RETRY_BACKOFF_SECONDS = 30.0


def create_broker(
    bootstrap_servers: str, *, client_id: str, graceful_timeout: float, security: BaseSecurity | None = None
) -> KafkaBroker:
    """Idempotent producer with acks=all: a retried send is never written twice."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        security=security,
        enable_idempotence=True,
        acks="all",
        graceful_timeout=graceful_timeout,
    )


def batch_publisher(broker: KafkaBroker) -> Callable[[Sequence[KafkaRecord]], Awaitable[None]]:
    async def publish_all(records: Sequence[KafkaRecord]) -> None:
        """Sends every record before awaiting any acknowledgement, then waits for all of them.

        The idempotent producer keeps each partition's records in send order, so the pipeline
        preserves per-key order; if any send fails, the caller republishes the whole batch."""
        pending = [
            await broker.publish(
                record.value,
                record.topic,
                key=record.key,
                headers=record.headers,
                correlation_id=record.headers.get("ce_correlationid"),
                no_confirm=True,
            )
            for record in records
        ]
        await asyncio.gather(*pending)

    return publish_all


def record_publisher(broker: KafkaBroker) -> Callable[[KafkaRecord], Awaitable[None]]:
    """One record, returning once the broker acknowledged it (dead letters)."""
    publish_all = batch_publisher(broker)

    async def publish(record: KafkaRecord) -> None:
        await publish_all([record])

    return publish


async def ensure_topics(
    bootstrap_servers: str, topics: Sequence[Topic], replication_factor: int = 1, **client_options: Any
) -> list[str]:
    """Create the topics of the plan that do not exist yet, with their retention; returns those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        created: list[str] = []
        for topic in topics:
            if topic.name in existing:
                continue
            try:
                await admin.create_topics(
                    [NewTopic(topic.name, topic.partitions, replication_factor, topic_configs=topic.config)]
                )
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass  # another replica created it first
        return created
    finally:
        await admin.close()


async def _undecoded(message: KafkaMessage) -> list[bytes]:
    """FastStream would parse JSON before the handler runs and fail outside our dead-letter path;
    the contracts decode (and dead-letter) instead."""
    return cast(list[bytes], message.body)  # a batch subscriber's message holds each record's body


def _readable_headers(record: ConsumerRecord) -> ConsumerRecord:
    return dataclasses.replace(
        record, headers=[(name, value.decode(errors="replace").encode()) for name, value in record.headers]
    )


async def _tolerant_parse(records: tuple[ConsumerRecord, ...], parse: Callable[..., Awaitable[KafkaMessage]]) -> KafkaMessage:
    """FastStream decodes every header as UTF-8 and fails the whole batch on one that is not; it
    parses a readable copy here, and the handler gets the records as they came (dead letters keep
    their bytes)."""
    try:
        message = await parse(records)
    except UnicodeDecodeError:
        message = await parse(tuple(_readable_headers(record) for record in records))
    message.raw_message = records
    return message


def subscribe(
    broker: KafkaBroker, consumer: EventConsumer, *, retry_backoff: float, max_records: int = 200, batch_timeout_ms: int = 50
) -> None:
    """Register the consumer; records come in batches of up to ``max_records`` (each partition's in
    order) and the offsets are committed only after ``process_batch`` returned.

    A transient failure seeks every partition of the batch back to its first record after a growing
    pause (NackMessage), so no later record is committed before it.
    """
    state = {"backoff": retry_backoff}

    @broker.subscriber(
        *consumer.topics,
        group_id=consumer.group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=batch_timeout_ms,
        parser=_tolerant_parse,
        decoder=_undecoded,
        title=f"{consumer.group}:consume",
        description=f"Consumer group {consumer.group}; failures go to {consumer.dead_letter_topic}.",
    )
    async def on_batch(bodies: list[bytes], message: KafkaMessage) -> None:
        batch = [
            InboundRecord(
                topic=raw.topic,
                partition=raw.partition,
                offset=raw.offset,
                key=raw.key,
                headers=list(raw.headers or ()),
                value=raw.value,
            )
            for raw in message.raw_message
        ]
        try:
            await consumer.process_batch(batch)
        except TransientFailure as failure:
            pause = state["backoff"]
            log.warning(
                "transient failure; will redeliver the batch",
                error=str(failure),
                retry_in_seconds=pause,
                records=len(batch),
                first_topic=batch[0].topic,
                first_offset=batch[0].offset,
            )
            await asyncio.sleep(pause)
            state["backoff"] = min(pause * 2, MAX_RETRY_BACKOFF_SECONDS)
            raise NackMessage from failure
        state["backoff"] = retry_backoff
