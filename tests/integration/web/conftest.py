"""mesh-web's own database per test (``tests.support.databases.create_web_database``), and a session store
over it with a clock the test moves."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from mesh_web import storage
from mesh_web.sessions.sealing import Sealer
from mesh_web.sessions.store import SessionStore
from tests.support.databases import create_web_database, drop_database

IDLE, LIFETIME = timedelta(minutes=30), timedelta(hours=2)
KEY = b"k" * 32


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
