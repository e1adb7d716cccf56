"""A service running in-process on real PostgreSQL and Kafka, with an HTTP client to it."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from mesh_runtime.app import ServiceDefinition, build_service
from tests.support.databases import SERVICE_ROLE, owner_url
from tests.support.identity import INSTITUTION, bearer, local_issuer, service_secret


@asynccontextmanager
async def running(
    definition: ServiceDefinition, kafka: str, database_url: str, *, consumers: bool = False, **settings: Any
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The client sends an admin's token of the test institution unless a request says otherwise."""
    # Consumers off by default: other tests' events on the shared topics must not leak into this
    # test's database. The end-to-end tests and the shared service cases run the consumers.
    app = build_service(definition, _settings(definition, kafka, database_url, consumers_enabled=consumers, **settings))
    admin = local_issuer().token(audience=f"mesh-{definition.name}", roles=("admin",))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service", headers=bearer(admin)
        ) as client:
            yield app, client


@asynccontextmanager
async def serving(
    definition: ServiceDefinition, kafka: str, database_url: str, **settings: Any
) -> AsyncIterator[tuple[FastAPI, str]]:
    """The service over real HTTP on a loopback port, for the services that read it as a peer."""
    port = free_port()
    app = build_service(
        definition, _settings(definition, kafka, database_url, consumers_enabled=False, http_port=port, **settings)
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # the start failed: say why
            raise RuntimeError(f"{definition.name} did not start")
        await asyncio.sleep(0.05)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def free_port() -> int:
    """A loopback port free now (the OS's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(definition: ServiceDefinition, kafka: str, database_url: str, **settings: Any) -> Any:
    """A service's settings against the test run's Kafka, PostgreSQL and token issuer (its own client secret)."""
    defaults = {
        "oidc_issuer": local_issuer().url,
        "service_client_secret": service_secret(definition.name),
        "log_format": "console",
        "log_level": "WARNING",
    }
    if urlsplit(database_url).username == SERVICE_ROLE:  # a database of create_database: its owner migrates
        defaults["database_migration_url"] = owner_url(database_url)
    return definition.settings_class(database_url=database_url, kafka_bootstrap_servers=kafka, **(defaults | settings))


async def outbox_types(app: FastAPI, topic: str | None = None) -> list[str]:
    """The types of the events a service wrote, in order (``topic``: only those for it)."""
    rows = await app.state.components.database.pool.fetch(
        "SELECT event_type FROM mesh_outbox WHERE $1::text IS NULL OR topic = $1 ORDER BY id", topic
    )
    return [row["event_type"].split(".")[-2] for row in rows]


async def outbox_data(app: FastAPI, event_type: str) -> list[dict]:
    """The data of each event of this type the service wrote, in order."""
    rows = await app.state.components.database.pool.fetch(
        "SELECT value FROM mesh_outbox WHERE split_part(event_type, '.', -2) = $1 ORDER BY id", event_type
    )
    return [json.loads(row["value"]) for row in rows]


async def all_published(app: FastAPI, timeout: float = 30.0) -> None:
    """Until the service's relay has published everything its outbox holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    pool = app.state.components.database.pool
    while await pool.fetchval("SELECT count(*) FROM mesh_outbox WHERE published_at IS NULL"):
        assert asyncio.get_running_loop().time() < deadline, "the outbox was not published in time"
        await asyncio.sleep(0.05)


class in_tenant:
    """Test assertions on a service's tables, each query in one tenant's transaction (row-level
    security shows a query that names no tenant nothing)."""

    def __init__(self, database, tenant: str = INSTITUTION) -> None:
        self.database, self.tenant = database, tenant

    async def _run(self, method: str, query: str, *args: Any) -> Any:
        async with self.database.transaction(self.tenant) as transaction:
            return await getattr(transaction.connection, method)(query, *args)

    async def fetch(self, query: str, *args: Any) -> Any:
        return await self._run("fetch", query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        return await self._run("fetchrow", query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self._run("fetchval", query, *args)

    async def execute(self, query: str, *args: Any) -> Any:
        return await self._run("execute", query, *args)
