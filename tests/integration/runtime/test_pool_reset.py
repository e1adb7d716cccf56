"""A connection given back to the pool takes nothing of its last transaction to the next one: no
institution, no lock, no open transaction, though the pool no longer runs a reset query on release."""

import asyncpg
import pytest

from mesh_runtime.db import Database, create_pool
from tests.support.identity import INSTITUTION


async def test_the_next_transaction_on_the_same_connection_starts_in_no_institution(database_factory) -> None:
    pool = await create_pool(await database_factory(), min_size=1, max_size=1)  # one connection: reused every time
    database = Database(pool)
    try:
        async with database.transaction(INSTITUTION) as transaction:
            await transaction.connection.execute("SELECT pg_advisory_xact_lock(42)")
            assert await transaction.connection.fetchval("SELECT current_setting('mesh.institution', true)") == INSTITUTION
        with pytest.raises(asyncpg.DivisionByZeroError):
            async with database.transaction(INSTITUTION) as transaction:
                await transaction.connection.execute("SELECT 1 / 0")
        async with database.transaction() as transaction:
            assert await transaction.connection.fetchval("SELECT current_setting('mesh.institution', true)") in ("", None)
            assert not await transaction.connection.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
        async with pool.acquire() as connection:
            assert not connection.is_in_transaction()
    finally:
        await pool.close()
