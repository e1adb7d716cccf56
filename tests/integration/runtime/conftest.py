"""A database of the runtime's own tables (outbox, inbox, tenancy) per test, with a row-secured table of
``effects`` that test handlers write (made by the owner, as a migration would)."""

import pytest

from mesh_runtime.db import Database, create_pool
from tests.support.databases import as_owner

EFFECTS_TABLE = (
    "CREATE TABLE effects (seq bigserial, event_id uuid, participant_id uuid, campus text)",
    "SELECT mesh_secure_by_institution('effects')",
)  # rows take the event's tenant


@pytest.fixture
async def database(database_factory):
    url = await database_factory()
    await as_owner(url, *EFFECTS_TABLE)
    pool = await create_pool(url)
    yield Database(pool)
    await pool.close()
