"""mesh-web's migrations: applied once by the owner, refused when changed after the fact, and the app's role
may use the rows but change nothing else."""

import asyncpg
import pytest

from mesh_web import storage
from tests.support.databases import owner_url


async def test_migrations_run_once(web_database: str) -> None:
    assert await storage.migrate(owner_url(web_database), web_database) == []  # the fixture ran them already


async def test_a_migration_changed_after_it_was_applied_is_refused(web_database: str) -> None:
    owner = await asyncpg.connect(owner_url(web_database))
    try:
        await owner.execute("UPDATE web_schema_migrations SET checksum = 'edited' WHERE name = '001_sessions.sql'")
    finally:
        await owner.close()

    with pytest.raises(storage.MigrationError, match="001_sessions.sql changed"):
        await storage.migrate(owner_url(web_database), web_database)


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE web_sessions",
        "ALTER TABLE web_sessions ADD COLUMN token text",
        "TRUNCATE web_sessions",
        "CREATE TABLE stolen (value text)",
        "INSERT INTO web_schema_migrations (name, checksum) VALUES ('999_x.sql', 'x')",
    ],
)
async def test_the_apps_role_uses_rows_and_changes_nothing_else(web_database: str, statement: str) -> None:
    runtime = await asyncpg.connect(web_database)
    try:
        await runtime.execute("SELECT count(*) FROM web_sessions")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await runtime.execute(statement)
    finally:
        await runtime.close()
