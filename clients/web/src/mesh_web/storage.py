"""mesh-web's own database: its migrations, applied in order once under an advisory lock, and the pool.

The same rules as the services' (mesh_runtime.migrations), which this client may not import: the owner
migrates; the app runs as a role that owns nothing and may only use rows."""

import hashlib
from importlib import resources
from urllib.parse import unquote, urlsplit

import asyncpg
import structlog

log = structlog.get_logger(__name__)
_LOCK_KEY = 7_242_029


class MigrationError(RuntimeError):
    pass


async def migrate(owner_dsn: str, runtime_dsn: str | None = None) -> list[str]:
    """Apply what is missing as the owner, then let the runtime role use the rows. Returns what ran now."""
    files = sorted(
        (entry for entry in resources.files("mesh_web.migrations").iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    connection = await asyncpg.connect(owner_dsn)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS web_schema_migrations (name text PRIMARY KEY, "
            "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = dict(await connection.fetch("SELECT name, checksum FROM web_schema_migrations"))
        done = []
        for entry in files:
            sql = entry.read_text()
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if entry.name in applied:
                if applied[entry.name] != checksum:
                    raise MigrationError(f"{entry.name} changed after it was applied")
                continue
            async with connection.transaction():
                await connection.execute(sql)
                await connection.execute(
                    "INSERT INTO web_schema_migrations (name, checksum) VALUES ($1, $2)", entry.name, checksum
                )
            log.info("migration applied", migration=entry.name)
            done.append(entry.name)
        role = unquote(urlsplit(runtime_dsn).username or "") if runtime_dsn else ""
        if role and role != unquote(urlsplit(owner_dsn).username or ""):
            grantee = '"' + role.replace('"', '""') + '"'
            await connection.execute(
                f"GRANT USAGE ON SCHEMA public TO {grantee}; "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON web_sessions, web_preferences, "
                f"roster_imports, roster_rejections TO {grantee}; "
                f"GRANT SELECT ON web_schema_migrations TO {grantee}"
            )
        return done
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
        await connection.close()


async def open_pool(dsn: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=1, max_size=10)


async def saved_language(pool: asyncpg.Pool, subject: str) -> str | None:
    """The language a person saved (by choosing one while signed in), kept across sessions."""
    return await pool.fetchval("SELECT language FROM web_preferences WHERE subject = $1", subject)


async def save_language(pool: asyncpg.Pool, subject: str, language: str) -> None:
    await pool.execute(
        "INSERT INTO web_preferences (subject, language) VALUES ($1, $2) ON CONFLICT (subject) "
        "DO UPDATE SET language = $2, updated_at = now()",
        subject,
        language,
    )
