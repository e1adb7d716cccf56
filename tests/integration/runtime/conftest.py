"""A database of the runtime's own tables (outbox, inbox, tenancy) per test."""

import pytest

from mesh_runtime.db import Database, create_pool


@pytest.fixture
async def database(database_factory):
    pool = await create_pool(await database_factory())
    yield Database(pool)
    await pool.close()
