"""mesh-web's own database per test, made as production makes it: owned by one role, which applies mesh-web's
migrations (``mesh_web.storage.migrate``, not the services' runtime migrations), and reached by the app as
another role that owns nothing; a session store over it with a clock the test moves."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from mesh_web import storage
from mesh_web.sessions.sealing import Sealer
from mesh_web.sessions.store import SessionStore
from tests.support.databases import (
    OWNER_PASSWORD,
    OWNER_ROLE,
    SERVICE_PASSWORD,
    SERVICE_ROLE,
    drop_database,
    owner_url,
    with_database,
)

IDLE, LIFETIME = timedelta(minutes=30), timedelta(hours=2)
KEY = b"k" * 32


async def create_web_database(admin_url: str) -> str:
    """A new database with mesh-web's migrations; returns the DSN the app uses (the runtime role's)."""
    name = f"test_web_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(admin_url)
    try:
        for role, password in ((SERVICE_ROLE, SERVICE_PASSWORD), (OWNER_ROLE, OWNER_PASSWORD)):
            await connection.execute(f"""
                DO $$ BEGIN
                    CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '{password}';
                EXCEPTION WHEN duplicate_object THEN NULL;
                END $$""")
        await connection.execute(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}')
        await connection.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{name}" TO {SERVICE_ROLE}')
    finally:
        await connection.close()
    url = with_database(admin_url, name, SERVICE_ROLE, SERVICE_PASSWORD)
    await storage.migrate(owner_url(url), url)
    return url


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
async def web_database(endpoints) -> AsyncIterator[str]:
    url = await create_web_database(endpoints.postgres_admin_url)
    yield url
    await drop_database(endpoints.postgres_admin_url, url)


@pytest.fixture
async def pool(web_database: str) -> AsyncIterator[asyncpg.Pool]:
    opened = await storage.open_pool(web_database)  # as the app opens it: at most 10 connections
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def store(pool: asyncpg.Pool, clock: Clock) -> SessionStore:
    return SessionStore(pool, Sealer([KEY]), idle=IDLE, lifetime=LIFETIME, clock=clock)
