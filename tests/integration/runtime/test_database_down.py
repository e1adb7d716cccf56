"""PostgreSQL gone from under a running service: its consumers wait in place, its API answers 503 with Retry-After and a problem,
never a 500 nor a hang, readiness says why, and everything works again by itself once it is back."""

import asyncio
from urllib.parse import urlsplit

import asyncpg
import httpx

from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.db import Database, create_pool
from mesh_runtime.deadletters import read_dead_letters
from tests.integration.kafka_helpers import create_topic, eventually, produce
from tests.integration.runtime.test_consumer import Harness, _equals, joined_record
from tests.support.services import running


async def test_the_api_answers_503_with_retry_after_while_the_database_is_down_and_recovers(endpoints, database_factory) -> None:
    url = await database_factory()
    name = urlsplit(url).path.lstrip("/")
    async with running(DEFINITION, endpoints.kafka_bootstrap, url) as (app, client):
        path = "/participants/2b1c8a3e-8c53-4c4e-9d6f-3f1b7a9f0e11/matches"
        assert (await client.get(path)).status_code in (200, 404)
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
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()

        async def back() -> bool:
            return (await client.get(path)).status_code in (200, 404)

        assert await eventually(back, timeout=30)
        assert (await client.get("/health/ready")).status_code == 200


async def test_a_consumer_pauses_in_place_while_the_database_is_down_and_catches_up_by_itself(endpoints, database_factory) -> None:
    """Records keep arriving while PostgreSQL refuses the service: nothing is committed past what was
    applied, nothing is dead-lettered, and once it is back every record is applied exactly once."""
    url = await database_factory()
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
            assert sorted(row["campus"] for row in rows) == sorted(
                [f"b{i}" for i in range(40)] + [f"d{i}" for i in range(60)])
            assert harness.sample("mesh_events_consumed_total", outcome="dead_lettered") == 0
            assert not await read_dead_letters(endpoints.kafka_bootstrap, harness.group)
    finally:
        await pool.close()
