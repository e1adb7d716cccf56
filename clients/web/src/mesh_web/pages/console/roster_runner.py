"""A roster import running in the background: the uploaded file, read a record at a time by mesh-roster's
reader, sent in batches through mesh-roster's sender to profile's bulk endpoint (the same one
``mesh-roster import`` uses), as the person who uploaded it.

Rules:
- Nothing holds the file: the reader yields one record at a time from the temporary file, batches of
  ``BATCH`` rows are built in a worker thread, two are in flight (``send_batches``), and each batch's
  outcome (counts, the rows rejected) goes to the database as profile acknowledges it.
- Every batch is sent with the uploader's access token, fresh: the session store's ``refresh_once``
  (as ``Visit.token`` does) refreshes it when it is about to expire, however long the import runs.
  The session ended (signed out; the IdP ended it): the import stops, ``stopped``/``signed_out``.
- Profile refusing the whole import (not their program, closed) fails it with profile's reason;
  a service down is retried as mesh-roster retries (429, 5xx, the network), then fails it.
- A heartbeat is written every ``HEARTBEAT_SECONDS``: an import whose app stopped shows as
  interrupted. The temporary file is deleted when the import ends, however it ends.
- Run again (the same file uploaded again), every row is sent again: profile upserts by external id,
  so the rows already in count as unchanged and nobody is doubled.
"""

import asyncio
import csv
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

import asyncpg
import httpx
import structlog

from mesh_roster.importer import ImportRefused, rejected_rows, send_batches
from mesh_roster.reading import RosterFileError, Row, RowError, read_records
from mesh_web.auth.oidc import RefreshFailed, tokens_fresh
from mesh_web.pages.console import roster_store as store
from mesh_web.sessions.store import Session, SessionStore

log = structlog.get_logger(__name__)
BATCH = 500
HEARTBEAT_SECONDS = 15.0
LONGEST_LINE = 1024 * 1024  # a JSON Lines record longer than this is a row error (a person is a few hundred bytes)
TIMEOUT_SECONDS = 120.0
Tokens = Callable[[str | None], Awaitable[str]]  # (the token profile just refused, if any) -> a fresh access token
_RUNNING: dict[UUID, asyncio.Task] = {}  # held here so a task is never collected while it runs


class SignedOut(Exception):
    """The uploader's session has ended: nothing more is sent in their name."""


@dataclass(frozen=True)
class Upload:
    import_id: UUID
    program_id: str
    path: Path
    file_format: str
    file_bytes: int


class _Batch(list[Row]):
    """Rows to send, and how far into the file (bytes) they reach."""

    def __init__(self, rows: list[Row], offset: int) -> None:
        super().__init__(rows)
        self.offset = offset


def running() -> set[UUID]:
    return set(_RUNNING)


def start(pool: asyncpg.Pool, profile_url: str, tokens: Tokens, upload: Upload) -> asyncio.Task:
    task = asyncio.create_task(run(pool, profile_url, tokens, upload), name=f"roster-import-{upload.import_id}")
    _RUNNING[upload.import_id] = task

    def ended(done: asyncio.Task) -> None:
        _RUNNING.pop(upload.import_id, None)
        if not done.cancelled() and done.exception() is not None:  # its end could not be written: the heartbeat tells
            log.error("roster import ended unrecorded", import_id=str(upload.import_id), error=type(done.exception()).__name__)

    task.add_done_callback(ended)
    return task


def session_tokens(
    sessions: SessionStore, refresh: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]], session: Session
) -> Tokens:
    """The uploader's access token for each batch, from their session as stored (the stored tokens win:
    a page may have refreshed them meanwhile); refreshed once however many batches ask at once."""

    async def token(refused: str | None) -> str:
        def usable(stored: dict[str, Any]) -> bool:  # after a 401 only another token will do
            return tokens_fresh(stored) and stored.get("access_token") != refused

        try:
            tokens = await sessions.refresh_once(session, usable, refresh)
        except RefreshFailed as error:
            await sessions.end(session)
            raise SignedOut() from error
        if tokens is None:
            raise SignedOut()
        return tokens["access_token"]

    return token


class _Bearer(httpx.Auth):
    """Each request with a fresh token; a 401 (the token went stale under us) is retried once with another."""

    def __init__(self, tokens: Tokens) -> None:
        self._tokens = tokens

    async def async_auth_flow(self, request: httpx.Request) -> AsyncIterator[httpx.Request]:
        sent = await self._tokens(None)
        request.headers["authorization"] = f"Bearer {sent}"
        response = yield request
        if response.status_code == 401:
            request.headers["authorization"] = f"Bearer {await self._tokens(sent)}"
            yield request


async def run(pool: asyncpg.Pool, profile_url: str, tokens: Tokens, upload: Upload) -> None:
    """The whole import, to its end; the outcome is in the database, not raised."""
    beating = asyncio.create_task(_beat(pool, upload))
    try:
        with upload.path.open("rb") as file:
            records = read_records(file, upload.file_format, longest_line=LONGEST_LINE)
            async with httpx.AsyncClient(
                base_url=profile_url, auth=_Bearer(tokens), timeout=TIMEOUT_SECONDS, headers={"accept": "application/json"}
            ) as client:
                await send_batches(
                    client,
                    upload.program_id,
                    _batches(pool, upload, records, file),
                    lambda batch, outcome: _acknowledged(pool, upload, batch, outcome),
                )
        await store.finish(pool, upload.import_id, "done", bytes_done=upload.file_bytes)
    except SignedOut:
        await store.finish(pool, upload.import_id, "stopped", reason_kind="signed_out")
    except ImportRefused as refused:
        status, kind = _failure(refused)
        await store.finish(pool, upload.import_id, status, reason_kind=kind, reason=str(refused))
    except (RosterFileError, csv.Error, UnicodeError) as error:
        await store.finish(pool, upload.import_id, "failed", reason_kind="unreadable", reason=str(error))
    except asyncio.CancelledError:
        await _ended_meanwhile(pool, upload.import_id)
        raise
    except Exception as error:  # a fault of ours: the import says so; the fault goes to the log
        log.exception("roster import failed", import_id=str(upload.import_id), error=type(error).__name__)
        await store.finish(pool, upload.import_id, "failed", reason_kind="broken")
    finally:
        beating.cancel()
        upload.path.unlink(missing_ok=True)


def _failure(refused: ImportRefused) -> tuple[str, str]:
    """(status, why) of an import profile refused: its 401 after a fresh token means the session is over."""
    if refused.status == 401:
        return "stopped", "signed_out"
    if (refused.kind or "").rsplit(":", 1)[-1].rsplit("/", 1)[-1] == "program-closed":
        return "failed", "program_closed"
    if refused.status is None:
        return "failed", "unavailable"  # mesh-roster's retries gave up: the service stayed down
    return "failed", {403: "forbidden", 404: "not_found"}.get(refused.status, "refused")


async def _ended_meanwhile(pool: asyncpg.Pool, import_id: UUID) -> None:
    """The app is stopping: say so now if the database still answers (else the heartbeat says it in a minute)."""
    try:
        await store.finish(pool, import_id, "interrupted", reason_kind="app_stopped")
    except Exception:  # noqa: BLE001 - the pool may be closing: the heartbeat's age tells the same
        pass


async def _batches(
    pool: asyncpg.Pool, upload: Upload, records: Iterator[Row | RowError], file: BinaryIO
) -> AsyncIterator[_Batch]:
    """Batches of the file's rows, each read in a worker thread (the event loop keeps serving pages); the
    rows the file itself got wrong are recorded as they are read."""
    while True:
        rows, errors, offset, finished = await asyncio.to_thread(_take, records, file, BATCH)
        await store.record_read(
            pool, upload.import_id, len(rows) + len(errors), [(error.line, error.external_id, error.reason) for error in errors]
        )
        if rows:
            yield _Batch(rows, offset)
        if finished:
            return


def _take(records: Iterator[Row | RowError], file: BinaryIO, most: int) -> tuple[list[Row], list[RowError], int, bool]:
    """Up to ``most`` records (rows and errors together, so a file of errors is no bigger a batch)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    for record in records:
        (rows if isinstance(record, Row) else errors).append(record)
        if len(rows) + len(errors) >= most:
            return rows, errors, file.tell(), False
    return rows, errors, file.tell(), True


async def _acknowledged(pool: asyncpg.Pool, upload: Upload, batch: _Batch, outcome: dict[str, Any]) -> None:
    await store.record_acknowledged(
        pool,
        upload.import_id,
        rows_sent=len(batch),
        counts={kind: int(outcome[kind]) for kind in store.COUNTS},
        rejections=rejected_rows(outcome),
        bytes_done=batch.offset,
    )


async def _beat(pool: asyncpg.Pool, upload: Upload) -> None:
    """The import is alive (the database's heartbeat) and so is its file (its time, for ``sweep``)."""
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await store.beat(pool, upload.import_id)
            os.utime(upload.path)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("roster import heartbeat missed", import_id=str(upload.import_id), error=type(error).__name__)


def sweep(folder: Path, older_than_seconds: float = 600.0) -> int:
    """Uploads left behind by an app that stopped mid-import (a running import's file is touched by its
    heartbeat, so only abandoned ones are this old)."""
    removed, now = 0, time.time()
    for path in folder.glob("*.upload"):
        try:
            if now - path.stat().st_mtime > older_than_seconds and UUID(path.stem) not in _RUNNING:
                path.unlink()
                removed += 1
        except (OSError, ValueError):
            continue
    return removed
