"""The idempotent consumer over real Kafka: redelivery, dead letters, transient failures, commits."""

import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from mentoring_contracts import (
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantJoined,
    dead_letter_spec,
    new_envelope,
    service_source,
    to_kafka,
)
from mesh_runtime.broker import create_broker, ensure_topics, record_publisher, subscribe
from mesh_runtime.consumer import EventConsumer, GroupHandler, InboundRecord, Outcome, RetryLater
from mesh_runtime.db import ALL_TENANTS, Database
from mesh_runtime.metrics import ServiceMetrics, record_consumer_lag
from tests.integration.kafka_helpers import committed_offset, create_topic, eventually, produce, read_all
from tests.support.factories import profile
from tests.support.identity import INSTITUTION


def joined_record(
    event_id: uuid.UUID | None = None,
    *,
    participant_id: uuid.UUID | None = None,
    institution: str = INSTITUTION,
    **profile_overrides,
):
    event = ParticipantJoined(
        participant_id=participant_id or uuid.uuid4(),
        attributes=profile(**profile_overrides).attributes(),
        joined_at=datetime.now(UTC),
    )
    envelope = new_envelope(event, source=service_source("profile"), institution=institution)
    if event_id:
        envelope = envelope.model_copy(update={"id": event_id})
    return _as_record(envelope)


def _as_record(envelope):
    record = to_kafka(envelope)
    return record.key, [(k, v.encode()) for k, v in record.headers.items()], record.value


def erased_record(source: str, participant_id: uuid.UUID):
    """A ParticipantErased as ``source`` says it published it: only profile does."""
    event = ParticipantErased(participant_id=participant_id, erased_at=datetime.now(UTC))
    return _as_record(new_envelope(event, source=service_source(source), institution=INSTITUTION))


@pytest.fixture(autouse=True, params=["each event", "runs"])
def handler_form(request):
    """Every case twice: a handler of single events, and a batched handler given runs (the same effect
    for each event of its run): what the consumer promises holds for both."""
    Harness.batched = request.param == "runs"


class Harness:
    """A consumer group on its own topic, with a handler that records its effects in PostgreSQL."""

    batched = False

    def __init__(self, bootstrap: str, database: Database, topic: str) -> None:
        self.group = f"test-{uuid.uuid4().hex[:8]}"
        self.bootstrap, self.database, self.topic = bootstrap, database, topic
        self.failures_left: dict[str, int] = {}
        self.bug_fixed = False  # a release that fixes the handler's bug
        self.broker = create_broker(bootstrap, client_id=self.group, graceful_timeout=5)

        async def handler(transaction, envelope) -> None:
            name = envelope.data.attributes.campus
            if name == "Bug" and not self.bug_fixed:
                raise ValueError("handler bug: cannot process this participant")
            if self.failures_left.get(name, 0) > 0:
                self.failures_left[name] -= 1
                raise RetryLater("waiting for something that will come")
            await transaction.connection.execute(
                "INSERT INTO effects (event_id, participant_id, campus) VALUES ($1, $2, $3)",
                envelope.id,
                envelope.data.participant_id,
                name,
            )

        async def run_handler(transaction, envelopes) -> None:
            for envelope in envelopes:
                await handler(transaction, envelope)

        self.metrics = ServiceMetrics(self.group)
        self.consumer = EventConsumer(
            self.group,
            database,
            {ParticipantJoined: GroupHandler(run_handler) if self.batched else handler},
            record_publisher(self.broker),
            topics=(topic,),
            metrics=self.metrics,
        )

    def sample(self, name: str, **labels: str) -> float:
        return self.metrics.registry.get_sample_value(name, {"service": self.group, **labels}) or 0.0

    async def __aenter__(self) -> "Harness":
        await ensure_topics(self.bootstrap, [dead_letter_spec(self.group)])
        subscribe(self.broker, self.consumer, retry_backoff=0.1)
        await self.broker.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.broker.stop()

    async def effects(self) -> int:
        async with self.database.transaction(ALL_TENANTS) as transaction:
            return await transaction.connection.fetchval("SELECT count(*) FROM effects")

    async def effect_rows(self) -> list:
        async with self.database.transaction(ALL_TENANTS) as transaction:
            return await transaction.connection.fetch("SELECT * FROM effects ORDER BY seq")

    async def committed(self) -> int:
        return await committed_offset(self.bootstrap, self.group, self.topic)


async def test_the_same_event_delivered_twice_has_one_effect(endpoints, database) -> None:
    topic = await create_topic(endpoints.kafka_bootstrap)
    event_id = uuid.uuid4()
    record = joined_record(event_id)
    await produce(endpoints.kafka_bootstrap, topic, [record, record])
    async with Harness(endpoints.kafka_bootstrap, database, topic) as harness:
        assert await eventually(lambda: _equals(harness.committed(), 2))
        assert await harness.effects() == 1
        inbox = await database.pool.fetch("SELECT event_id FROM mesh_inbox WHERE consumer_group = $1", harness.group)
        assert [row["event_id"] for row in inbox] == [event_id]
        joined = ParticipantJoined.event_type()
        assert harness.sample("mesh_inbox_duplicates_total", event_type=joined) == 1
        assert harness.sample("mesh_event_handling_duration_seconds_count", event_type=joined) == 1
        assert harness.sample("mesh_events_consumed_total", outcome="processed") == 1
        await record_consumer_lag(harness.metrics, harness.broker.subscribers)  # both committed: nothing behind
        assert (
            harness.metrics.registry.get_sample_value(
                "mesh_consumer_lag_records", {"service": harness.group, "topic": topic, "partition": "0"}
            )
            == 0
        )
    # a group that has read nothing of the topic is behind by all of it
    idle = AIOKafkaConsumer(
        bootstrap_servers=endpoints.kafka_bootstrap, group_id=f"idle-{uuid.uuid4().hex[:8]}", enable_auto_commit=False
    )
    await idle.start()
    try:
        idle.assign([TopicPartition(topic, 0)])
        behind = ServiceMetrics("idle")
        await record_consumer_lag(behind, [SimpleNamespace(consumer=idle)])
        assert (
            behind.registry.get_sample_value("mesh_consumer_lag_records", {"service": "idle", "topic": topic, "partition": "0"})
            == 2
        )
    finally:
        await idle.stop()


async def test_poison_records_go_to_the_dead_letter_topic_and_the_next_good_one_is_processed(endpoints, database) -> None:
    topic = await create_topic(endpoints.kafka_bootstrap)
    key, headers, value = joined_record()
    unknown = [(k, b"org.mentoringmesh.Nonsense.v1" if k == "ce_type" else v) for k, v in headers]
    invalid = json.dumps(json.loads(value) | {"participant_id": "not-a-uuid"}).encode()
    poison = [
        (b"k1", headers, b"{this is not json"),
        (b"k2", unknown, value),
        (b"k3", headers, invalid),
        (b"k4", [], b"no headers at all"),
        joined_record(campus="Bug"),
    ]
    good_key, good_headers, good_value = joined_record()
    await produce(endpoints.kafka_bootstrap, topic, [*poison, (good_key, good_headers, good_value)])
    async with Harness(endpoints.kafka_bootstrap, database, topic) as harness:
        assert await eventually(lambda: _equals(harness.committed(), 6))
        assert await harness.effects() == 1
        dead = await read_all(endpoints.kafka_bootstrap, harness.consumer.dead_letter_topic, expect=5)
        assert {
            reason: harness.sample("mesh_dead_letters_total", reason=reason)
            for reason in ("MalformedEvent", "UnknownEventType", "ValueError")
        } == {"MalformedEvent": 3, "UnknownEventType": 1, "ValueError": 1}
        assert harness.sample("mesh_events_consumed_total", outcome="dead_lettered") == 5
    assert len(dead) == 5
    by_offset = {int(dict(r.headers)["dlt_original_offset"]): dict(r.headers) for r in dead}
    assert sorted(by_offset) == [0, 1, 2, 3, 4]
    assert by_offset[0]["dlt_error_class"] == b"MalformedEvent"
    assert by_offset[1]["dlt_error_class"] == b"UnknownEventType"
    assert b"participant_id" in by_offset[2]["dlt_error_message"]
    assert b"missing headers" in by_offset[3]["dlt_error_message"]
    assert by_offset[4]["dlt_error_class"] == b"ValueError"
    assert all(h["dlt_original_topic"] == topic.encode() and h["dlt_consumer_group"] for h in by_offset.values())
    dead_values = {r.value for r in dead}
    assert b"{this is not json" in dead_values  # the original record is kept whole


async def test_a_transient_failure_is_retried_in_place_without_skipping(endpoints, database) -> None:
    topic = await create_topic(endpoints.kafka_bootstrap)
    await produce(endpoints.kafka_bootstrap, topic, [joined_record(campus="Flaky"), joined_record()])
    async with Harness(endpoints.kafka_bootstrap, database, topic) as harness:
        harness.failures_left["Flaky"] = 3
        assert await eventually(lambda: _equals(harness.committed(), 2))
        assert harness.failures_left["Flaky"] == 0
        assert await harness.effects() == 2
        rows = await harness.effect_rows()
    assert len({row["participant_id"] for row in rows}) == 2


async def test_a_poison_record_in_a_batch_goes_alone_and_the_rest_is_applied(endpoints, database) -> None:
    """One transaction per batch: the failing handler's event is dead-lettered alone, with no inbox
    row (a replay after the fix applies it), and every other event of the batch, before and after it,
    keeps its effect. A header that is not UTF-8 (which FastStream's own parser fails on) is a
    malformed CloudEvent: dead-lettered too, its value kept whole."""
    topic = await create_topic(endpoints.kafka_bootstrap, partitions=3)
    good = [joined_record(campus=f"c{i}") for i in range(60)]
    key, headers, value = joined_record(campus="binary header")
    binary = (key, [*headers, ("x-trace", b"\xff\xfe not utf-8")], value)
    bug = joined_record(campus="Bug")
    await produce(endpoints.kafka_bootstrap, topic, [*good[:30], bug, binary, *good[30:]])
    async with Harness(endpoints.kafka_bootstrap, database, topic) as harness:
        assert await eventually(lambda: _equals(harness.effects(), 60))
        dead = await read_all(endpoints.kafka_bootstrap, harness.consumer.dead_letter_topic, expect=2)
        inbox = await database.pool.fetchval("SELECT count(*) FROM mesh_inbox WHERE consumer_group = $1", harness.group)
        assert sorted(row["campus"] for row in await harness.effect_rows()) == sorted(f"c{i}" for i in range(60))
    by_class = {dict(r.headers)["dlt_error_class"]: r for r in dead}
    assert sorted(by_class) == [b"MalformedEvent", b"ValueError"]
    assert by_class[b"ValueError"].value == bug[2]
    assert b"not UTF-8" in dict(by_class[b"MalformedEvent"].headers)["dlt_error_message"]
    assert inbox == 60


async def test_each_partition_is_applied_in_offset_order_across_batches(endpoints, database) -> None:
    topic = await create_topic(endpoints.kafka_bootstrap, partitions=3)
    people = [uuid.uuid4() for _ in range(6)]
    records = [joined_record(participant_id=people[i % 6], campus=str(i)) for i in range(300)]
    await produce(endpoints.kafka_bootstrap, topic, records)
    async with Harness(endpoints.kafka_bootstrap, database, topic) as harness:
        assert await eventually(lambda: _equals(harness.effects(), 300))
        rows = await harness.effect_rows()
    for person in people:
        applied = [int(row["campus"]) for row in rows if row["participant_id"] == person]
        assert applied == sorted(applied) and len(applied) == 50


async def test_a_batch_delivered_again_has_no_second_effect_and_each_event_acts_in_its_institution(database) -> None:
    harness = Harness("localhost:1", database, "unused")  # no broker: the batch is handed over directly
    records = [joined_record(institution=("north-uni" if i % 2 else "south-uni"), campus=f"c{i}") for i in range(20)]
    batch = [InboundRecord(topic="t", partition=0, offset=i, key=k, headers=h, value=v) for i, (k, h, v) in enumerate(records)]
    assert await harness.consumer.process_batch(batch) == [Outcome.PROCESSED] * 20
    assert await harness.consumer.process_batch(batch) == [Outcome.DUPLICATE] * 20
    rows = await harness.effect_rows()
    assert len(rows) == 20
    assert {row["campus"]: row["institution"] for row in rows} == {
        f"c{i}": ("north-uni" if i % 2 else "south-uni") for i in range(20)
    }


async def test_a_forged_participant_erased_is_dead_lettered_and_profiles_is_applied(endpoints, database) -> None:
    """Security review M4: matching and notify must not erase anyone by publishing profile's event. A
    ParticipantErased is applied only from profile, its owner; one that says it is matching's or
    notify's is dead-lettered, never applied, and the next one is."""
    topic = await create_topic(endpoints.kafka_bootstrap)
    forged_by_matching, forged_by_notify, erased = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await produce(
        endpoints.kafka_bootstrap,
        topic,
        [
            erased_record("matching", forged_by_matching),
            erased_record("notify", forged_by_notify),
            erased_record("profile", erased),
        ],
    )
    harness = Harness(endpoints.kafka_bootstrap, database, topic)

    async def erase(transaction, envelope) -> None:
        await transaction.connection.execute(
            "INSERT INTO effects (event_id, participant_id, campus) VALUES ($1, $2, $3)",
            envelope.id,
            envelope.data.participant_id,
            envelope.source,
        )

    harness.consumer = EventConsumer(
        harness.group,
        database,
        {ParticipantErased: erase},
        record_publisher(harness.broker),
        topics=(topic,),
        metrics=harness.metrics,
    )
    async with harness:
        assert await eventually(lambda: _equals(harness.committed(), 3))
        dead = await read_all(endpoints.kafka_bootstrap, harness.consumer.dead_letter_topic, expect=2)
        rows = await harness.effect_rows()
        inbox = await database.pool.fetchval("SELECT count(*) FROM mesh_inbox WHERE consumer_group = $1", harness.group)
        assert harness.sample("mesh_dead_letters_total", reason="NotFromItsOwner") == 2
    assert [(row["participant_id"], row["campus"]) for row in rows] == [(erased, "/mentoring-mesh/profile")]
    assert inbox == 1  # a refused event leaves no inbox row
    by_offset = {int(dict(r.headers)["dlt_original_offset"]): dict(r.headers) for r in dead}
    assert sorted(by_offset) == [0, 1]
    assert {h["dlt_error_class"] for h in by_offset.values()} == {b"NotFromItsOwner"}
    assert b"/mentoring-mesh/matching" in by_offset[0]["dlt_error_message"]
    assert b"/mentoring-mesh/notify" in by_offset[1]["dlt_error_message"]


async def test_an_event_read_off_a_topic_other_than_its_own_is_refused_whatever_its_source(database) -> None:
    """Only the topic is vouched for (its ACLs), not the source a producer names: an erasure
    confirmation found on profile's participants topic, where it travelled before contracts 2.4, is
    refused even from a service that confirms; on its own topic it is applied."""
    harness = Harness("localhost:1", database, "unused")  # no broker: the batch is handed over directly
    dead: list = []

    async def confirm(transaction, envelope) -> None:
        await transaction.connection.execute(
            "INSERT INTO effects (event_id, participant_id, campus) VALUES ($1, $2, $3)",
            envelope.id,
            envelope.data.participant_id,
            envelope.data.service,
        )

    async def dead_letter(record) -> None:
        dead.append(record)

    consumer = EventConsumer("test-moved", database, {ParticipantErasureConfirmed: confirm}, dead_letter)
    assert consumer.topics == ("mentoring.erasure-confirmations.v1", "mentoring.participants.v1")
    participant = uuid.uuid4()
    confirmed = ParticipantErasureConfirmed(
        participant_id=participant, service="matching", erased=["match reasons"], confirmed_at=datetime.now(UTC)
    )

    def read_from(topic: str, offset: int) -> InboundRecord:
        key, headers, value = _as_record(new_envelope(confirmed, source=service_source("matching"), institution=INSTITUTION))
        return InboundRecord(topic=topic, partition=0, offset=offset, key=key, headers=headers, value=value)

    outcomes = await consumer.process_batch(
        [read_from("mentoring.participants.v1", 0), read_from("mentoring.erasure-confirmations.v1", 0)]
    )
    assert outcomes == [Outcome.DEAD_LETTERED, Outcome.PROCESSED]
    assert [row["participant_id"] for row in await harness.effect_rows()] == [participant]
    assert [r.headers["dlt_error_class"] for r in dead] == ["NotFromItsOwner"]
    assert "read from mentoring.participants.v1" in dead[0].headers["dlt_error_message"]


async def _equals(value, expected) -> bool:
    return (await value) == expected
