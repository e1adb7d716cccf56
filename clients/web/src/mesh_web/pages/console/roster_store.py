"""Roster imports in mesh-web's own database (migration 003): each import's record and progress, and
every row it did not take.

Rules:
- An import is read only with its institution and program in the query (``one``, ``recent``): staff
  of another institution, or a page of another program, find nothing (404), whatever id they send.
- Progress only ever moves forward, and only while the import runs: every update says
  ``status = 'running'``, so nothing written late (a batch acknowledged as it was stopped) reopens it.
- A running import whose heartbeat is older than ``STALE_SECONDS`` is shown as ``interrupted``: the
  app that ran it stopped (the status is derived in SQL, so every replica agrees).
- The rows not taken are keyed by line; the error report reads them in line order, a page at a time.
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

STALE_SECONDS = 60
COUNTS = ("new", "updated", "unchanged", "rejected")
_SHOWN = f"""import_id, program_id, uploaded_by, uploader_name, file_name, file_format, file_bytes,
    CASE WHEN status = 'running' AND heartbeat_at < now() - interval '{STALE_SECONDS} seconds' THEN 'interrupted'
         ELSE status END AS status,
    reason_kind, reason, bytes_done, rows_read, rows_sent, new, updated, unchanged, rejected, started_at, finished_at"""


async def create(
    pool: asyncpg.Pool,
    *,
    import_id: UUID,
    institution: str,
    program_id: str,
    subject: str,
    name: str,
    file_name: str,
    file_format: str,
    file_bytes: int,
    sha256: str,
) -> None:
    await pool.execute(
        "INSERT INTO roster_imports (import_id, institution, program_id, uploaded_by, uploader_name, file_name, "
        "file_format, file_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        import_id,
        institution,
        program_id,
        subject,
        name,
        file_name,
        file_format,
        file_bytes,
        sha256,
    )


async def one(pool: asyncpg.Pool, institution: str, program_id: str, import_id: UUID) -> dict[str, Any] | None:
    row = await pool.fetchrow(
        f"SELECT {_SHOWN} FROM roster_imports WHERE import_id = $1 AND institution = $2 AND program_id = $3",
        import_id,
        institution,
        program_id,
    )
    return dict(row) if row else None


async def recent(pool: asyncpg.Pool, institution: str, program_id: str, most: int = 10) -> list[dict[str, Any]]:
    """The program's latest imports, newest first (index roster_imports_program)."""
    rows = await pool.fetch(
        f"SELECT {_SHOWN} FROM roster_imports WHERE institution = $1 AND program_id = $2 ORDER BY started_at DESC LIMIT $3",
        institution,
        program_id,
        most,
    )
    return [dict(row) for row in rows]


async def record_read(pool: asyncpg.Pool, import_id: UUID, rows_read: int, file_errors: Sequence[tuple[int, str, str]]) -> None:
    """Rows read from the file, and those the file itself got wrong (never sent: rejected at once)."""
    async with pool.acquire() as connection, connection.transaction():
        running = await connection.fetchval(
            "UPDATE roster_imports SET rows_read = rows_read + $2, rejected = rejected + $3, heartbeat_at = now() "
            "WHERE import_id = $1 AND status = 'running' RETURNING true",
            import_id,
            rows_read,
            len(file_errors),
        )
        if running and file_errors:
            await _reject(connection, import_id, file_errors)


async def record_acknowledged(
    pool: asyncpg.Pool,
    import_id: UUID,
    *,
    rows_sent: int,
    counts: dict[str, int],
    rejections: Sequence[Sequence[Any]],
    bytes_done: int,
) -> None:
    """One batch profile answered: its counts, the rows it rejected, and how far into the file it reached."""
    async with pool.acquire() as connection, connection.transaction():
        running = await connection.fetchval(
            "UPDATE roster_imports SET rows_sent = rows_sent + $2, new = new + $3, updated = updated + $4, "
            "unchanged = unchanged + $5, rejected = rejected + $6, bytes_done = greatest(bytes_done, $7), "
            "heartbeat_at = now() WHERE import_id = $1 AND status = 'running' RETURNING true",
            import_id,
            rows_sent,
            *(counts[kind] for kind in COUNTS),
            bytes_done,
        )
        if running and rejections:
            await _reject(
                connection, import_id, [(int(line), str(external_id), str(reason)) for line, external_id, reason in rejections]
            )


async def _reject(connection: asyncpg.Connection, import_id: UUID, rows: Sequence[tuple[int, str, str]]) -> None:
    await connection.executemany(
        "INSERT INTO roster_rejections (import_id, line, external_id, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        [(import_id, line, external_id, reason) for line, external_id, reason in rows],
    )


async def beat(pool: asyncpg.Pool, import_id: UUID) -> None:
    await pool.execute("UPDATE roster_imports SET heartbeat_at = now() WHERE import_id = $1 AND status = 'running'", import_id)


async def finish(
    pool: asyncpg.Pool,
    import_id: UUID,
    status: str,
    *,
    reason_kind: str | None = None,
    reason: str | None = None,
    bytes_done: int | None = None,
) -> None:
    """The end of a running import: ``done``, ``failed``, ``stopped`` (signed out) or ``interrupted``."""
    await pool.execute(
        "UPDATE roster_imports SET status = $2, reason_kind = $3, reason = $4, "
        "bytes_done = coalesce($5, bytes_done), finished_at = now() WHERE import_id = $1 AND status = 'running'",
        import_id,
        status,
        reason_kind,
        reason[:2000] if reason else None,
        bytes_done,
    )


async def rejections(pool: asyncpg.Pool, import_id: UUID, after_line: int, most: int) -> list[asyncpg.Record]:
    """The next ``most`` rows not taken after ``after_line`` (keyset on the primary key: no cost from earlier pages)."""
    return await pool.fetch(
        "SELECT line, external_id, reason FROM roster_rejections WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3",
        import_id,
        after_line,
        most,
    )
