"""PostgreSQL gone from under a running service: its API answers 503 with Retry-After and a problem,
never a 500 nor a hang, readiness says why, and everything works again by itself once it is back."""

from urllib.parse import urlsplit

import asyncpg
import httpx

from mesh_matching.bootstrap import DEFINITION
from tests.integration.kafka_helpers import eventually
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
