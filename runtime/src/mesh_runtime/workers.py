"""Background loops a service runs beside its consumers, the same way in every service."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import structlog

from mesh_runtime.components import Components
from mesh_runtime.db import ALL_TENANTS, Cause, UnitOfWork

log = structlog.get_logger(__name__)


class PeriodicWorker:
    """Runs ``tick`` every ``interval`` seconds until stopped; a failing tick is logged and retried.

    ``stop`` lets the tick under way finish, so work in progress completes or rolls back whole."""

    def __init__(self, name: str, tick: Callable[[], Awaitable[object]], interval: float) -> None:
        self.name = name
        self._tick = tick
        self._interval = interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def tick(self) -> object:
        """One pass of the work, outside the loop (what the loop runs every ``interval``)."""
        return await self._tick()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task:
            await self._task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.tick()
            except Exception:  # a database blip must not end the loop
                log.exception("periodic work failed; retrying", worker=self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)


FindWork = Callable[[asyncpg.Connection], Awaitable[Sequence[asyncpg.Record]]]
DoWork = Callable[[Any, asyncpg.Record], Awaitable[int]]


async def each_tenant(
    components: Components, unit_of_work: type[UnitOfWork], find: FindWork, work: DoWork, *, until_done: bool = True
) -> int:
    """The sweep every worker makes: ``find`` what has work across all institutions (rows with an
    ``institution``), then ``work`` on each in a transaction of its own, in its institution, with
    the service's unit of work; again while it still finds some (``until_done``), so one batch
    never holds locks long. Returns how many it did. Replicas sweep side by side: ``work`` takes
    its rows with SKIP LOCKED."""
    async with components.database.transaction(ALL_TENANTS) as transaction:
        found = await find(transaction.connection)
    done = 0
    for row in found:
        while True:
            async with components.database.transaction(row["institution"]) as transaction:
                uow = unit_of_work.of(transaction, Cause(institution=row["institution"]), components)
                batch = await work(uow, row)
            done += batch
            if batch == 0 or not until_done:
                break
    return done
