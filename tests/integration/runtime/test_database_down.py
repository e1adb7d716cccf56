"""PostgreSQL gone from under a running service: its consumers wait in place, its API answers 503 with Retry-After and a problem,
never a 500 nor a hang, readiness says why, and everything works again by itself once it is back."""

import asyncio
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.db import Database, DatabaseUnavailable, create_pool
from mesh_runtime.deadletters import read_dead_letters
from tests.integration.kafka_helpers import create_topic, eventually, produce
from tests.integration.runtime.conftest import EFFECTS_TABLE
from tests.integration.runtime.test_consumer import Harness, _equals, joined_record
from tests.integration.runtime.test_metrics import samples
from tests.support.databases import as_owner
from tests.support.services import running


async def test_the_api_answers_503_with_retry_after_while_the_database_is_down_and_recovers(endpoints, database_factory) -> None:
    url = await database_factory()
    await as_owner(url, *EFFECTS_TABLE)
    name = urlsplit(url).path.lstrip("/")
    async with running(DEFINITION, endpoints.kafka_bootstrap, url) as (app, client):
        path = "/participants/2b1c8a3e-8c53-4c4e-9d6f-3f1b7a9f0e11/matches"
        assert (await client.get(path)).status_code in (200, 404)
        before = _gauges((await client.get("/metrics")).text)
        admin = await asyncpg.connect(endpoints.postgres_admin_url)
        try:
            # down for this service: no new connections, and the ones it holds are cut
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
            for _ in range(3):  # the pool's cut connections, then no new one: each answered, none hangs
                down = await client.get(path, timeout=httpx.Timeout(20))
                assert down.status_code == 503, down.text
                assert down.headers["Retry-After"] == "5" and down.headers["content-type"] == "application/problem+json"
                assert down.json()["type"] == "urn:mentoringmesh:problem:unavailable"
            ready = await client.get("/health/ready")
            assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("failed")
            # still scraped, promptly: the counters say what happened, the outbox gauges keep their last reading
            scraped = await client.get("/metrics", timeout=httpx.Timeout(10))
            assert scraped.status_code == 200, scraped.text
            assert _gauges(scraped.text)["mesh_outbox_backlog"] == before["mesh_outbox_backlog"]
            assert _requests(scraped.text, "/participants/{participant_id}/matches", "503") == 3
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()

        async def back() -> bool:
            return (await client.get(path)).status_code in (200, 404)

        assert await eventually(back, timeout=30)
        assert (await client.get("/health/ready")).status_code == 200


def _gauges(text: str) -> dict[str, float]:
    return {name: value for name, labels, value in samples(text) if name.startswith("mesh_outbox")}


def _requests(text: str, route: str, status: str) -> float:
    return sum(
        value
        for name, labels, value in samples(text)
        if name == "mesh_http_request_duration_seconds_count" and labels["route"] == route and labels["status"] == status
    )


async def test_a_consumer_pauses_in_place_while_the_database_is_down_and_catches_up_by_itself(
    endpoints, database_factory
) -> None:
    """Records keep arriving while PostgreSQL refuses the service: nothing is committed past what was
    applied, nothing is dead-lettered, and once it is back every record is applied exactly once."""
    url = await database_factory()
    await as_owner(url, *EFFECTS_TABLE)
    name = urlsplit(url).path.lstrip("/")
    topic = await create_topic(endpoints.kafka_bootstrap)
    before, during = [joined_record(campus=f"b{i}") for i in range(40)], [joined_record(campus=f"d{i}") for i in range(60)]
    pool = await create_pool(url)
    try:
        async with Harness(endpoints.kafka_bootstrap, Database(pool), topic) as harness:
            await produce(endpoints.kafka_bootstrap, topic, before)
            assert await eventually(lambda: _equals(harness.effects(), 40), timeout=30)
            admin = await asyncpg.connect(endpoints.postgres_admin_url)
            try:
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
                await produce(endpoints.kafka_bootstrap, topic, during)
                await asyncio.sleep(8)  # several failed attempts, each backing off
                assert await harness.committed() == 40  # its place is kept: nothing of the outage is committed
                assert harness.sample("mesh_events_consumed_total", outcome="dead_lettered") == 0
            finally:
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
                await admin.close()
            assert await eventually(lambda: _equals(harness.committed(), 100), timeout=60)
            rows = await harness.effect_rows()
            assert sorted(row["campus"] for row in rows) == sorted([f"b{i}" for i in range(40)] + [f"d{i}" for i in range(60)])
            assert harness.sample("mesh_events_consumed_total", outcome="dead_lettered") == 0
            assert not await read_dead_letters(endpoints.kafka_bootstrap, harness.group)
    finally:
        await pool.close()


async def test_a_connection_lost_after_the_commit_leaves_the_work_done_and_the_pool_whole(database_factory) -> None:
    """The server goes away between a transaction's COMMIT and the pool's reset of the connection given
    back (as in a restart): the work is committed, so the caller is told it is done, never an error it
    would report as a 500 (or a consumer would retry as a failure); the next transaction gets a new
    connection."""
    url = await database_factory()
    await as_owner(url, "CREATE TABLE committed_work (id int PRIMARY KEY)")
    reset_cut = asyncio.Event()

    async def reset_meets_a_shutdown(connection: asyncpg.Connection) -> None:
        if not reset_cut.is_set():  # the first reset only: this backend is terminated under its own query
            reset_cut.set()
            await connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    pool = await asyncpg.create_pool(url, min_size=1, max_size=1, reset=reset_meets_a_shutdown)
    try:
        database = Database(pool)
        async with database.transaction() as transaction:
            await transaction.connection.execute("INSERT INTO committed_work VALUES (1)")
        assert reset_cut.is_set()
        async with database.transaction() as transaction:
            assert await transaction.connection.fetchval("SELECT count(*) FROM committed_work") == 1
    finally:
        await pool.close()


async def test_a_connection_cut_in_the_middle_of_the_work_is_the_database_unavailable(endpoints, database_factory) -> None:
    """The server ends a backend while its query runs (a restart, an admin): however asyncpg words the
    aftermath (the query's lost connection, then the transaction unable to roll back on a connection
    the pool has already taken back), the caller is told the database is unavailable (503, retried),
    and the pool serves the next transaction."""
    url = await database_factory()
    pool = await create_pool(url, min_size=1, max_size=1)
    admin = await asyncpg.connect(endpoints.postgres_admin_url)
    try:
        database = Database(pool)
        for _ in range(5):
            with pytest.raises(DatabaseUnavailable):
                async with database.transaction() as transaction:
                    pid = await transaction.connection.fetchval("SELECT pg_backend_pid()")
                    cut = asyncio.create_task(admin.execute("SELECT pg_terminate_backend($1)", pid))
                    await transaction.connection.execute("SELECT pg_sleep(10)")
            await cut
        async with database.transaction() as transaction:
            assert await transaction.connection.fetchval("SELECT 1") == 1
    finally:
        await admin.close()
        await pool.close()
