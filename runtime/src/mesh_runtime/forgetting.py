"""Every replica forgets an erased person at once, not only the one that handled the erasure.

An erasure is handled by one replica of a service, but each replica may keep what it read of the
person in memory (decoded profiles, ranked suggestions). The replica that erases announces it with
a NOTIFY in the erasing transaction, so it reaches the others only if the erasure commits; each
replica listens and drops the person from its caches. A replica whose listening connection was
cut (a database restart) may have missed announcements: it drops everything it keeps, then
listens again. Caches are only caches: forgetting too much costs a read, never a wrong answer.
"""

import asyncio
import contextlib
from collections.abc import Callable
from uuid import UUID

import asyncpg
import structlog

from mesh_runtime.db import DATABASE_TROUBLE

log = structlog.get_logger(__name__)
FORGET_CHANNEL = "mesh_forget"
_RELISTEN_SECONDS = 5.0


async def announce_forgotten(connection: asyncpg.Connection, participant_id: UUID) -> None:
    """Inside the erasing transaction: every replica hears it once (and only if) it commits."""
    await connection.execute("SELECT pg_notify($1, $2)", FORGET_CHANNEL, str(participant_id))


class ForgetListener:
    """A worker: hears announced erasures and calls ``forget`` with each person's id; calls
    ``forget_all`` whenever it (re)starts listening, since it may have missed some meanwhile."""

    name = "forget-listener"

    def __init__(self, dsn: str, forget: Callable[[UUID], None], forget_all: Callable[[], None]) -> None:
        self._dsn, self._forget, self._forget_all = dsn, forget, forget_all
        self._connection: asyncpg.Connection | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task:
            await self._task
        if self.listening:
            assert self._connection is not None
            await self._connection.close()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            if not self.listening:
                await self._listen()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), _RELISTEN_SECONDS)

    async def _listen(self) -> None:
        try:
            connection = await asyncpg.connect(self._dsn, timeout=_RELISTEN_SECONDS)
            await connection.add_listener(FORGET_CHANNEL, self._heard)
        except DATABASE_TROUBLE as error:
            log.warning("cannot listen for erasures just now; retrying", error=str(error))
            return
        self._connection = connection
        self._forget_all()  # whatever was announced while nobody here listened

    def _heard(self, _connection: object, _pid: int, _channel: str, payload: object) -> None:
        try:
            self._forget(UUID(str(payload)))
        except ValueError:
            log.warning("an erasure announcement that names nobody", payload=str(payload)[:64])
