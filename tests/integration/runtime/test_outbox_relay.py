"""Transactional outbox: events leave only when their transaction commits, in order, once marked."""

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from mentoring_contracts import ParticipantJoined, from_kafka, new_envelope, service_source
from mesh_runtime.broker import batch_publisher, create_broker, ensure_topics
from mesh_runtime.db import Database, create_pool
from mesh_runtime.outbox import OutboxRelay
from tests.integration.kafka_helpers import eventually, read_all
from tests.support.factories import profile
from tests.support.identity import INSTITUTION

TOPIC = ParticipantJoined.topic.name


def joined() -> ParticipantJoined:
    return ParticipantJoined(participant_id=uuid.uuid4(), attributes=profile().attributes(), joined_at=datetime.now(UTC))


@pytest.fixture
async def relay_setup(endpoints, database_factory):
    url = await database_factory()
    pool = await create_pool(url)
    broker = create_broker(endpoints.kafka_bootstrap, client_id="test-relay", graceful_timeout=5)
    await ensure_topics(endpoints.kafka_bootstrap, [ParticipantJoined.topic])
    await broker.connect()
    relay = OutboxRelay(pool, batch_publisher(broker), dsn=url, poll_interval=0.2)
    yield Database(pool), relay
    await broker.stop()
    await pool.close()


async def test_committed_events_are_published_and_marked(relay_setup, endpoints) -> None:
    database, relay = relay_setup
    envelopes = [new_envelope(joined(), source=service_source("profile"), institution=INSTITUTION) for _ in range(3)]
    async with database.transaction() as transaction:
        for envelope in envelopes:
            await transaction.emit(envelope)
    assert await relay.relay_once() == 3
    assert await relay.relay_once() == 0  # marked: never published twice by the relay
    wanted = {e.id for e in envelopes}
    records = await read_all(endpoints.kafka_bootstrap, TOPIC, expect=10_000, timeout=3)
    published = [from_kafka(r.headers, r.value) for r in records]
    assert wanted <= {e.id for e in published}
    for envelope in envelopes:
        record = next(r for r in records if from_kafka(r.headers, r.value).id == envelope.id)
        assert record.key == str(envelope.data.participant_id).encode()


async def test_rolled_back_events_never_leave(relay_setup) -> None:
    database, relay = relay_setup
    with pytest.raises(RuntimeError):
        async with database.transaction() as transaction:
            await transaction.emit(new_envelope(joined(), source=service_source("profile"), institution=INSTITUTION))
            raise RuntimeError("the use case failed after emitting")
    assert await relay.relay_once() == 0


async def test_running_relay_wakes_on_commit(relay_setup) -> None:
    database, relay = relay_setup
    await relay.start()
    try:
        async with database.transaction() as transaction:
            await transaction.emit(new_envelope(joined(), source=service_source("profile"), institution=INSTITUTION))
        from tests.integration.kafka_helpers import eventually

        async def published() -> bool:
            return await database.pool.fetchval("SELECT count(*) FROM mesh_outbox WHERE published_at IS NULL") == 0

        assert await eventually(published, timeout=10)
        assert relay.published == 1
    finally:
        await relay.stop()


async def test_a_relay_holding_the_lock_excludes_another(relay_setup) -> None:
    database, relay = relay_setup
    async with database.transaction() as transaction:
        await transaction.emit(new_envelope(joined(), source=service_source("profile"), institution=INSTITUTION))
    async with database.pool.acquire() as other, other.transaction():
        assert await other.fetchval("SELECT pg_try_advisory_xact_lock(7242002)")
        assert await relay.relay_once() == 0  # another replica is relaying
    assert await relay.relay_once() == 1


async def test_migrations_are_idempotent_and_guard_edits(database_factory) -> None:
    from mesh_runtime.migrations import Migration, MigrationError, apply_migrations, load_migrations
    from tests.support.databases import owner_url

    url = await database_factory("mesh_profile.migrations")
    migrations = load_migrations("mesh_runtime.sql", "mesh_profile.migrations")
    assert await apply_migrations(owner_url(url), migrations) == []
    edited = [*migrations[:-1], Migration(migrations[-1].package, migrations[-1].name, migrations[-1].sql + "\n-- edit")]
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await apply_migrations(owner_url(url), edited)
    connection = await asyncpg.connect(url)
    try:
        assert await connection.fetchval("SELECT count(*) FROM mesh_schema_migrations") == len(migrations)
    finally:
        await connection.close()


async def test_one_aggregates_events_arrive_in_the_order_they_were_written(relay_setup, endpoints) -> None:
    database, relay = relay_setup
    participant_id = uuid.uuid4()
    written = []
    async with database.transaction() as transaction:
        for _ in range(300):  # one pipelined batch, all on one partition
            event = ParticipantJoined(
                participant_id=participant_id, attributes=profile().attributes(), joined_at=datetime.now(UTC)
            )
            envelope = new_envelope(event, source=service_source("profile"), institution=INSTITUTION)
            await transaction.emit(envelope)
            written.append(envelope.id)
    while await relay.relay_once():
        pass
    records = await read_all(endpoints.kafka_bootstrap, TOPIC, expect=100_000, timeout=3)
    mine = [from_kafka(r.headers, r.value).id for r in records if r.key == str(participant_id).encode()]
    assert mine == written


async def test_topics_are_created_with_the_plans_partitions_and_retention(endpoints) -> None:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    from mentoring_contracts import TOPICS

    await ensure_topics(endpoints.kafka_bootstrap, list(TOPICS))
    admin = AIOKafkaAdminClient(bootstrap_servers=endpoints.kafka_bootstrap)
    await admin.start()
    try:
        wanted = {t.name: t.partitions for t in TOPICS}

        async def described() -> dict | None:  # metadata follows creation by a moment
            found = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(list(wanted))}
            return found if found == wanted else None

        assert await eventually(described, timeout=15) == wanted
        configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t.name) for t in TOPICS])
    finally:
        await admin.close()
    retention = {}
    for response in configs:
        for resource in response.resources:
            entries = {entry[0]: entry[1] for entry in resource[4]}
            retention[resource[3]] = entries["retention.ms"]
    assert retention == {t.name: t.config["retention.ms"] for t in TOPICS}


async def test_a_relay_whose_listening_connection_is_cut_listens_again(endpoints, database_factory) -> None:
    """A database restart cuts the connection that hears commits' NOTIFY: the relay connects again by
    itself, so a commit still wakes it at once (its poll here is an hour: only a NOTIFY can wake it)."""
    url = await database_factory()
    pool = await create_pool(url)
    database, sent = Database(pool), []

    async def publish(records) -> None:
        sent.extend(records)

    relay = OutboxRelay(pool, publish, dsn=url, poll_interval=3600)
    await relay.start()
    admin = await asyncpg.connect(endpoints.postgres_admin_url)
    try:
        name = await pool.fetchval("SELECT current_database()")
        for cut in range(2):  # and cut again once it listens again
            listeners = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'", name)
            assert len(listeners) == 1, listeners
            await admin.execute("SELECT pg_terminate_backend($1)", listeners[0]["pid"])

            async def woken_by_a_commit() -> bool:
                before = len(sent)
                async with database.transaction() as transaction:
                    await transaction.emit(new_envelope(joined(), source=service_source("profile"), institution=INSTITUTION))
                return await eventually(lambda: _grown(sent, before), timeout=2)

            assert await eventually(woken_by_a_commit, timeout=30), f"not woken after cut {cut + 1}"
            assert relay.listening
    finally:
        await admin.close()
        await relay.stop()
        await pool.close()


async def _grown(sent: list, than: int) -> bool:
    return len(sent) > than
