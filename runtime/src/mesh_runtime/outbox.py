"""Outbox relay: publishes committed outbox rows to Kafka, in order, then marks them sent.

A commit in this process wakes its relay directly (``Database.on_commit_emitted``); NOTIFY is left
to processes that run no relay (a tool, a benchmark) and wakes whichever relay listens. One relay at a
time per service holds a transaction-scoped advisory lock, so several replicas
never publish the same rows concurrently or out of order. A row is marked sent only after Kafka
acknowledged it (idempotent producer, acks=all); a crash in between publishes it again, which
consumers absorb through their inbox.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

import asyncpg
import structlog

from mentoring_contracts import KafkaRecord
from mesh_runtime.db import DATABASE_TROUBLE
from mesh_runtime.transaction import OUTBOX_CHANNEL

log = structlog.get_logger(__name__)
PublishBatch = Callable[[Sequence[KafkaRecord]], Awaitable[None]]
_RELAY_LOCK_KEY = 7_242_002
_RETENTION = "7 days"
_LISTEN_CONNECT_SECONDS = 5
_CONTENDED_PAUSE = 0.05


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        publish: PublishBatch,
        *,
        dsn: str,
        batch_size: int = 200,
        poll_interval: float = 1.0,
        max_backoff: float = 30.0,
    ) -> None:
        self._pool = pool
        self._dsn = dsn
        self._publish = publish
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self.published = 0
        self._contended = False

    def wake(self) -> None:
        """Something committed rows to publish (called in this process, after the commit)."""
        self._wake.set()

    async def start(self) -> None:
        await self._listen()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def _listen(self) -> None:
        """A commit's NOTIFY wakes the relay at once. The connection that hears it is lost in a database
        restart: losing it wakes the relay too, which listens again (polling meanwhile)."""
        listener = await asyncpg.connect(self._dsn, timeout=_LISTEN_CONNECT_SECONDS)
        await listener.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
        listener.add_termination_listener(lambda *_: self._wake.set())
        self._listener = listener

    async def _keep_listening(self) -> None:
        if self.listening or self._stopping.is_set():
            return
        try:
            await self._listen()
            log.info("outbox relay listening again")
        except DATABASE_TROUBLE as error:
            log.warning("outbox relay cannot listen just now; polling", error=str(error))

    async def stop(self) -> None:
        """Finish the batch under way, publish what is still waiting, then stop.

        What cannot be published now (broker away) stays in the outbox for the next start."""
        self._stopping.set()
        self._wake.set()
        if self._task:
            await self._task
        try:
            while await self.relay_once():
                pass
        except Exception:  # nothing is lost: the rows stay unpublished
            log.warning("final outbox flush incomplete; the rest is published at next start", exc_info=True)
        if self.listening:
            assert self._listener is not None
            await self._listener.close()

    async def relay_once(self) -> int:
        """Publish one batch; returns how many rows were sent (0 when another relay holds the lock)."""
        async with self._pool.acquire() as connection, connection.transaction():
            if not await connection.fetchval("SELECT pg_try_advisory_xact_lock($1)", _RELAY_LOCK_KEY):
                self._contended = True  # another replica's relay is publishing: look again shortly
                return 0
            self._contended = False
            rows = await connection.fetch(
                """
                SELECT id, topic, key, headers, value FROM mesh_outbox
                WHERE published_at IS NULL ORDER BY id LIMIT $1
                """,
                self._batch_size,
            )
            await self._publish(
                [KafkaRecord(topic=row["topic"], key=row["key"], headers=row["headers"], value=row["value"]) for row in rows]
            )
            if rows:
                await connection.execute(
                    "UPDATE mesh_outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                    [row["id"] for row in rows],
                )
            self.published += len(rows)
            return len(rows)

    async def purge_published(self) -> int:
        """Published rows are kept a while for inspection, then dropped."""
        result = await self._pool.execute(f"DELETE FROM mesh_outbox WHERE published_at < now() - interval '{_RETENTION}'")
        return int(result.split()[-1])

    async def _run(self) -> None:
        backoff = self._poll_interval
        loops = 0
        while not self._stopping.is_set():
            self._wake.clear()
            await self._keep_listening()
            try:
                sent = await self.relay_once()
                backoff = self._poll_interval
                loops += 1
                if loops % 1000 == 0:
                    await self.purge_published()
            except Exception:  # keep relaying; the rows stay unpublished and are retried
                log.exception("outbox relay failed; will retry", retry_in_seconds=backoff)
                sent = 0
                await self._sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            if sent == self._batch_size:
                continue  # more may be waiting
            # Woken while another replica's relay held the lock: what woke this one may have committed
            # after that relay read its batch, so look again once it is likely done.
            await self._sleep(_CONTENDED_PAUSE if self._contended else self._poll_interval)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
