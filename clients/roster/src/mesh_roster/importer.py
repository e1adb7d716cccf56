"""Sends a roster to profile a batch at a time, remembering after each batch how far it got.

Killed halfway and run again, it resumes after the last batch profile acknowledged (the state file
names the file by its SHA-256, so an edited file starts afresh). Without the state file it is still
right: profile upserts by external id, so a batch sent twice has the effect of once."""

import asyncio
import hashlib
import json
import os
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from mesh_roster import spreadsheet
from mesh_roster.reading import Row, RowError

BATCH = 500
IN_FLIGHT = 2
RETRIES = 8
B = TypeVar("B", bound=Sequence[Row])


class ImportRefused(Exception):
    """Profile refuses the import as a whole (the program, the caller): nothing more is sent. ``status``
    and ``kind`` are profile's answer (its problem's type); both None when it gave up on a service down."""

    def __init__(self, message: str, *, status: int | None = None, kind: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind = status, kind


@dataclass
class Progress:
    """What the state file keeps between runs."""

    sha256: str
    program_id: str
    sent_rows: int = 0  # rows acknowledged, in file order
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0})
    rejected: list[list] = field(default_factory=list)  # [line, external_id, reason]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_progress(state: Path, sha256: str, program_id: str) -> Progress:
    if state.exists():
        saved = Progress(**json.loads(state.read_text()))
        if saved.sha256 == sha256 and saved.program_id == program_id:
            return saved
    return Progress(sha256, program_id)


def save_progress(state: Path, progress: Progress) -> None:
    partial = state.with_suffix(state.suffix + ".partial")
    partial.write_text(json.dumps(asdict(progress)))
    os.replace(partial, state)  # atomic: a kill leaves the old state or the new, never half


async def send_rows(
    client: httpx.AsyncClient,
    program_id: str,
    rows: list[Row],
    progress: Progress,
    state: Path,
    on_batch: Callable[[int], None] = lambda _: None,
    batch_size: int = BATCH,
    in_flight: int = IN_FLIGHT,
) -> Progress:
    """Sends the rows after ``progress.sent_rows``, ``in_flight`` batches at a time (profile checks one
    while it writes the one before); acknowledgements are taken in file order and the state saved after
    each, so it always names a prefix of the file that profile has taken."""
    ends: dict[int, int] = {}  # id of a batch -> where it ends in ``rows``

    async def batches() -> AsyncIterator[list[Row]]:
        for start in range(progress.sent_rows, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            ends[id(batch)] = min(start + batch_size, len(rows))
            yield batch

    async def acknowledge(batch: list[Row], outcome: dict) -> None:
        for kind in progress.counts:
            progress.counts[kind] += outcome[kind]
        progress.rejected += rejected_rows(outcome)
        progress.sent_rows = ends.pop(id(batch))
        save_progress(state, progress)
        on_batch(len(outcome["rows"]))

    await send_batches(client, program_id, batches(), acknowledge, in_flight)
    return progress


async def send_batches(
    client: httpx.AsyncClient,
    program_id: str,
    batches: AsyncIterable[B],
    acknowledged: Callable[[B, dict], Awaitable[None]],
    in_flight: int = IN_FLIGHT,
) -> None:
    """Posts each batch (a sequence of rows) to profile's bulk endpoint, ``in_flight`` at a time, and hands
    each batch with profile's outcome to ``acknowledged`` in the order the batches came (so whatever it
    records always names a prefix of the file). A refusal (``ImportRefused``) or any other error stops
    it; batches still in flight are cancelled."""
    path = f"/programs/{program_id}/roster"
    pending: deque[tuple[B, asyncio.Task]] = deque()
    try:
        async for batch in batches:
            body = {"rows": [row.as_json() for row in batch]}
            pending.append((batch, asyncio.create_task(_post(client, path, body))))
            if len(pending) >= in_flight:
                done, task = pending.popleft()
                await acknowledged(done, await task)
        while pending:
            done, task = pending.popleft()
            await acknowledged(done, await task)
    finally:
        for _, task in pending:
            task.cancel()


def rejected_rows(outcome: dict) -> list[list]:
    """The rows of one batch's outcome that profile rejected: ``[line, external_id, reason]``."""
    return [[r["line"], r["external_id"], "; ".join(r["reasons"])] for r in outcome["rows"] if r["outcome"] == "rejected"]


async def _post(client: httpx.AsyncClient, path: str, body: dict) -> dict:
    """Transient failures (the service restarting, overloaded, the network) are retried with backoff;
    a refusal is not."""
    for attempt in range(RETRIES):
        try:
            response = await client.post(path, json=body)
        except httpx.TransportError as error:
            failure = f"{type(error).__name__}: {error}"
        else:
            if response.status_code == 200:
                return response.json()
            if response.status_code not in (429, 500, 502, 503, 504):
                raise ImportRefused(
                    f"{response.status_code}: {_detail(response)}", status=response.status_code, kind=_kind(response)
                )
            failure = f"{response.status_code}: {_detail(response)}"
        await asyncio.sleep(min(0.5 * 2**attempt, 10))
    raise ImportRefused(f"gave up after {RETRIES} tries: {failure}")


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:500]


def _kind(response: httpx.Response) -> str | None:
    try:
        found = response.json().get("type")
    except (ValueError, AttributeError):
        return None
    return str(found) if found else None


def write_error_report(path: Path, file_errors: list[RowError], progress: Progress) -> int:
    """Every row not taken, by line: what the file itself got wrong, and what profile rejected. Ids and
    reasons quote the file's own text, so a cell that would run as a formula is neutralised."""
    rows = sorted([[e.line, e.external_id, e.reason] for e in file_errors] + progress.rejected)
    with path.open("w", newline="", encoding="utf-8") as report:
        writer = spreadsheet.writer(report)
        writer.writerow(["line", "external_id", "reason"])
        writer.writerows(rows)
    return len(rows)
