"""Round previews run in the process that was asked, each an asyncio task with transactions of its own.

The job reads the pool (a transaction), plans it in a thread, and writes the result (another); its
progress lives in memory and reaches the row at most every ``FLUSH_SECONDS`` and at least every
``HEARTBEAT_SECONDS`` (the heartbeat), whatever the pool's size: a few writes a second at most. One
process plans ``PLANNING_AT_ONCE`` previews at a time (the solver uses every core already); others
wait, queued, heartbeat going. When the service stops, running previews are marked interrupted; a
process that dies leaves its heartbeat to age, and readers see interrupted after a minute."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar
from uuid import UUID

import structlog

from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.adapters.postgres.round_previews import PostgresRoundPreviews
from mesh_matching.application.errors import NotProposing
from mesh_matching.application.preview_round import Preview, PreviewOrder, plan_preview, read_pool
from mesh_matching.domain.round_preview import HEARTBEAT_SECONDS, UNMATCHED_SHOWN
from mesh_runtime.components import Components
from mesh_runtime.db import Cause

log = structlog.get_logger(__name__)
FLUSH_SECONDS = 0.5
PLANNING_AT_ONCE = 1
T = TypeVar("T")


class Progress:
    """Where a job is; told from the event loop and from the planning thread (one reference, swapped whole)."""

    def __init__(self) -> None:
        self.state: tuple[str, int, int] = ("queued", 0, 0)

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.state = (phase, done, total)


class RoundPreviewJobs:
    """The service's running previews (a worker: stopping it interrupts them), built once per running
    service (``peers.Peers``): the route that starts a preview launches its job here."""

    def __init__(self, components: Components) -> None:
        self._components = components
        self._tasks: set[asyncio.Task[None]] = set()
        self._planning: asyncio.Semaphore | None = None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def launch(self, institution: str, preview_id: UUID, order: PreviewOrder, cause: Cause) -> None:
        """After the preview's row is committed."""
        task = asyncio.create_task(self._run(institution, preview_id, order, cause), name=f"round-preview-{preview_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, institution: str, preview_id: UUID, order: PreviewOrder, cause: Cause) -> None:
        progress = Progress()
        heartbeat = asyncio.create_task(self._heartbeat(institution, preview_id, progress))
        try:
            self._planning = self._planning or asyncio.Semaphore(PLANNING_AT_ONCE)
            async with self._planning:
                preview = await self._plan(institution, order, cause, progress)
            await _stopped(heartbeat)
            await self._write(
                institution,
                lambda store: store.ready(
                    preview_id,
                    self._components.clock.now(),
                    preview.pool_size,
                    preview.digest,
                    report(preview, order),
                    [(p.first.participant_id, p.second.participant_id) for p in preview.plan.pairs],
                ),
            )
        except asyncio.CancelledError:
            await _stopped(heartbeat)
            await self._end(institution, preview_id, "interrupted", "the service stopped while the preview ran; preview again")
            raise
        except NotProposing as error:
            await self._end(institution, preview_id, "failed", str(error))
        except Exception as error:
            log.exception("round preview failed", preview_id=str(preview_id), program_id=order.program_id)
            await self._end(institution, preview_id, "failed", f"the round could not be planned ({type(error).__name__})")
        finally:
            await _stopped(heartbeat)

    async def _plan(self, institution: str, order: PreviewOrder, cause: Cause, progress: Progress) -> Preview:
        async with self._components.database.transaction(institution) as transaction:
            uow = PostgresMatchingUnitOfWork.of(transaction, cause, self._components)
            snapshot = await read_pool(uow, PostgresRoundPreviews(transaction.connection), order, progress)
        return await plan_preview(snapshot, order, progress)

    async def _heartbeat(self, institution: str, preview_id: UUID, progress: Progress) -> None:
        """Progress to the row when it moved (at most every FLUSH_SECONDS), and at least every
        HEARTBEAT_SECONDS; one writer, so the row's progress never goes back. Stops once the
        preview no longer runs (someone found it interrupted)."""
        loop = asyncio.get_running_loop()
        written: tuple[str, int, int] | None = None
        touched = loop.time()
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            state = progress.state
            if state == written and loop.time() - touched < HEARTBEAT_SECONDS:
                continue
            try:
                if not await self._write(institution, partial(_progress, preview_id, state)):
                    return
            except Exception:  # a database blip: the next beat tries again
                log.warning("round preview heartbeat failed", preview_id=str(preview_id), exc_info=True)
                continue
            written, touched = state, loop.time()

    async def _end(self, institution: str, preview_id: UUID, status: str, error: str) -> None:
        try:
            await self._write(institution, lambda store: store.stop(preview_id, status, self._components.clock.now(), error))
        except Exception:  # the row's heartbeat ages instead: readers see it interrupted
            log.warning("round preview not marked", preview_id=str(preview_id), status=status, exc_info=True)

    async def _write(self, institution: str, change: Callable[[PostgresRoundPreviews], Awaitable[T]]) -> T:
        async with self._components.database.transaction(institution) as transaction:
            return await change(PostgresRoundPreviews(transaction.connection))


async def _progress(preview_id: UUID, state: tuple[str, int, int], store: PostgresRoundPreviews) -> bool:
    return await store.progress(preview_id, *state)


async def _stopped(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def report(preview: Preview, order: PreviewOrder) -> dict:
    """What a coordinator reads of the round, as ``http.rounds.RoundReport`` has it, with the
    unmatched listed up to ``UNMATCHED_SHOWN`` and counted, and the example pairs (ids, scores,
    parts: their names and reasons are read when shown)."""
    plan, scores = preview.plan, [p.score for p in preview.plan.pairs]
    return {
        "program_id": order.program_id,
        "mode": order.mode,
        "objective": order.objective,
        "dry_run": True,
        "pool_size": preview.pool_size,
        "pairs": len(scores),
        "people_matched": 2 * len(scores),
        "total_score": plan.total_score,
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
        "lowest_score": min(scores) if scores else None,
        "upper_bound": plan.upper_bound,
        "optimal": plan.optimal,
        "distribution": plan.distribution(),
        "proposed_match_ids": [],
        "unmatched": [
            {"participant_id": str(pid), "reason": reason} for pid, reason in list(plan.unmatched.items())[:UNMATCHED_SHOWN]
        ],
        "unmatched_count": len(plan.unmatched),
        "examples": [
            {
                "first": str(e.first),
                "second": str(e.second),
                "rank": e.rank,
                "topic": e.pair.topic,
                "kind": e.pair.kind,
                "roles": list(e.pair.roles),
                "score": e.pair.score,
                "parts": [part.model_dump() for part in e.pair.parts],
            }
            for e in preview.examples
        ],
    }
