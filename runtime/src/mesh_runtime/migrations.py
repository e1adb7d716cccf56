"""Applies a service's SQL migrations in order, once, under an advisory lock.

asyncpg ships no migration tool, and alembic would bring SQLAlchemy and a second driver for
what here is an ordered list of plain SQL files; so this is the one small piece written by hand.
Each file runs in its own transaction; an edited file that was already applied is an error.
"""

import hashlib
from dataclasses import dataclass
from importlib import resources

import asyncpg
import structlog

log = structlog.get_logger(__name__)
_LOCK_KEY = 7_242_001  # pg advisory lock: one migrator at a time across replicas and jobs


@dataclass(frozen=True, slots=True)
class Migration:
    package: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationError(RuntimeError):
    pass


def load_migrations(*packages: str) -> list[Migration]:
    """Every ``NNN_name.sql`` of each package, packages in the order given, files by name."""
    found: list[Migration] = []
    for package in packages:
        files = sorted(
            (entry for entry in resources.files(package).iterdir() if entry.name.endswith(".sql")),
            key=lambda entry: entry.name,
        )
        found.extend(Migration(package, entry.name, entry.read_text()) for entry in files)
    return found


async def apply_migrations(dsn: str, migrations: list[Migration]) -> list[str]:
    """Apply what is missing; return the names applied now."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        await connection.execute(
            """
            CREATE TABLE IF NOT EXISTS mesh_schema_migrations (
                package    text NOT NULL,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (package, name)
            )
            """
        )
        applied = {
            (row["package"], row["name"]): row["checksum"]
            for row in await connection.fetch("SELECT package, name, checksum FROM mesh_schema_migrations")
        }
        done: list[str] = []
        for migration in migrations:
            key = (migration.package, migration.name)
            if key in applied:
                if applied[key] != migration.checksum:
                    raise MigrationError(f"{migration.package}/{migration.name} changed after it was applied")
                continue
            async with connection.transaction():
                await connection.execute(migration.sql)
                await connection.execute(
                    "INSERT INTO mesh_schema_migrations (package, name, checksum) VALUES ($1, $2, $3)",
                    migration.package,
                    migration.name,
                    migration.checksum,
                )
            log.info("migration applied", package=migration.package, migration=migration.name)
            done.append(f"{migration.package}/{migration.name}")
        return done
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
        await connection.close()
