"""Applies a service's SQL migrations in order, once, under an advisory lock.

asyncpg ships no migration tool, and alembic would bring SQLAlchemy and a second driver for
what here is an ordered list of plain SQL files; so this is the one small piece written by hand.
Each file runs in its own transaction; an edited file that was already applied is an error.

Migrations run as the database's owner; the service itself runs as another role, which owns nothing:
after the files, the owner grants that role what a service does with rows (read, insert, update,
delete), nothing on the schema, and on the audit trail only read and insert (append-only). So neither
an injected statement nor a bug in the service can alter a table, drop a row-security policy or
rewrite the audit trail. ``check_runtime_role`` refuses to serve as a role that could.
"""

import hashlib
from dataclasses import dataclass
from importlib import resources
from urllib.parse import unquote, urlsplit

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


APPEND_ONLY = ("mesh_audit",)  # the runtime role may read and add entries, never change or remove one
OWNER_ONLY = ("mesh_schema_migrations",)  # the runtime role may read which migrations are applied


async def apply_migrations(dsn: str, migrations: list[Migration], *, grant_to: str | None = None) -> list[str]:
    """Apply what is missing as ``dsn``'s role (the owner); then grant ``grant_to`` (the service's
    runtime role) the use of every table; return the names applied now."""
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
        if grant_to is not None:
            await _grant_row_use(connection, grant_to)
        return done
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
        await connection.close()


def role_of(dsn: str) -> str:
    """The role a DSN logs in as."""
    user = urlsplit(dsn).username
    if not user:
        raise MigrationError("the database URL names no role")
    return unquote(user)


async def _grant_row_use(connection: asyncpg.Connection, role: str) -> None:
    grantee = _identifier(role)
    async with connection.transaction():
        await connection.execute(f"GRANT USAGE ON SCHEMA public TO {grantee}")
        await connection.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {grantee}")
        await connection.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {grantee}")
        for table in (*APPEND_ONLY, *OWNER_ONLY):
            if await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", f"public.{table}"):
                kept = "SELECT, INSERT" if table in APPEND_ONLY else "SELECT"
                await connection.execute(f"REVOKE ALL ON {table} FROM {grantee}")
                await connection.execute(f"GRANT {kept} ON {table} TO {grantee}")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class UnsafeRuntimeRole(RuntimeError):
    """The service was started as a role that could bypass row-level security or change the schema."""


async def check_runtime_role(connection: asyncpg.Connection) -> None:
    """Refuse to serve as a superuser, a BYPASSRLS role, or one that owns (or may act as the owner
    of) any table: row-level security and the append-only audit trail would then be advice."""
    row = await connection.fetchrow(
        """
        SELECT r.rolname, r.rolsuper, r.rolbypassrls,
               (SELECT array_agg(DISTINCT c.relname ORDER BY c.relname) FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                   AND pg_has_role(r.oid, c.relowner, 'MEMBER')) AS owned
          FROM pg_roles r WHERE r.rolname = current_user
        """
    )
    assert row is not None  # the current user is always a role
    reasons = [
        reason
        for reason, holds in (
            ("is a superuser", row["rolsuper"]),
            ("has BYPASSRLS", row["rolbypassrls"]),
            (f"owns tables ({', '.join((row['owned'] or [])[:5])})", row["owned"]),
        )
        if holds
    ]
    if reasons:
        raise UnsafeRuntimeRole(
            f"the service's database role {row['rolname']!r} {' and '.join(reasons)}: run the service as a role that "
            "owns nothing and apply migrations as the owner (MESH_DATABASE_MIGRATION_URL; docs/configuration.md)"
        )


async def pending_migrations(connection: asyncpg.Connection, migrations: list[Migration]) -> list[str]:
    """The migrations not yet applied (none while the table of applied ones does not exist yet: all)."""
    if not await connection.fetchval("SELECT to_regclass('public.mesh_schema_migrations') IS NOT NULL"):
        return [f"{m.package}/{m.name}" for m in migrations]
    applied = {
        (row["package"], row["name"]) for row in await connection.fetch("SELECT package, name FROM mesh_schema_migrations")
    }
    return [f"{m.package}/{m.name}" for m in migrations if (m.package, m.name) not in applied]
