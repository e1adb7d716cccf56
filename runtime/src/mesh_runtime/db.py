"""The service's PostgreSQL pool and its unit of work: one transaction, state and outbox together."""

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, cast
from uuid import UUID

import asyncpg
import structlog
from asyncpg.pool import PoolConnectionProxy

from mentoring_contracts import ContractError, Event, EventEnvelope, new_envelope
from mesh_runtime.clock import Clock
from mesh_runtime.tracing import current_context
from mesh_runtime.transaction import Transaction

if TYPE_CHECKING:
    from mesh_runtime.components import Components

# A transaction sees (and may write) only its tenant's rows: row-level security on every table that
# holds an institution's data checks ``mesh.institution`` (runtime migration 002). Background work
# that sweeps every tenant says so explicitly; a transaction that names none sees nothing.
ALL_TENANTS = "*"

log = structlog.get_logger(__name__)


async def _init_connection(connection: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await connection.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _end_any_transaction(connection: asyncpg.Connection) -> None:
    """What a connection given back to the pool needs here: no transaction left open. The runtime keeps
    no session state on pooled connections (the institution is set per transaction, locks are the
    transaction's, listeners have connections of their own), so asyncpg's default reset (unlock all,
    close all, unlisten, reset all) would only add a round trip to every request and every batch."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=_init_connection, reset=_end_any_transaction)


@dataclass(frozen=True, slots=True)
class Cause:
    """Why events are being emitted: the journey (correlation), the event that caused them, and the
    institution they belong to (the caller's, or the causing event's)."""

    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    institution: str | None = None
    # Of a causing event: when it happened (its producer's stamp) and the trace it carries, for work
    # that outlives its handling and continues its trace (a mail sent later).
    occurred_at: datetime | None = None
    trace_parent: str | None = None

    @classmethod
    def of(cls, envelope: EventEnvelope[Any]) -> "Cause":
        return cls(
            correlation_id=envelope.correlationid,
            causation_id=envelope.id,
            institution=envelope.institution,
            occurred_at=envelope.time,
            trace_parent=envelope.traceparent,
        )


SYSTEM_CLOCK = Clock()


class CauseLike(Protocol):
    """What an event's cause says of the events it makes: a service's use cases name it by their own
    protocol (they import nothing of the runtime), which this one accepts."""

    @property
    def correlation_id(self) -> UUID | None: ...
    @property
    def causation_id(self) -> UUID | None: ...


class UnitOfWork:
    """Base of each service's unit of work: repositories share one transaction; ``emit`` writes
    events to its outbox, caused by the request or event being handled unless told otherwise.

    The runtime builds it (``of``) for every route, event handler and worker, on a transaction it
    opened in the right tenant, with the cause and the service's clock: use cases read the time
    from ``clock`` only."""

    def __init__(self, transaction: "Transaction", source: str, cause: Cause, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.connection = transaction.connection
        self._transaction = transaction
        self._source = source
        self._cause = cause
        self.clock = clock

    @classmethod
    def of(cls, transaction: "Transaction", cause: Cause, components: "Components") -> Self:
        """The seam: how the runtime builds a service's unit of work. A service whose unit of work
        also holds what it reads from peers overrides this and takes them from ``components``."""
        return cls(transaction, components.source, cause, clock=components.clock)

    @property
    def transaction(self) -> "Transaction":
        return self._transaction

    @property
    def cause(self) -> Cause:
        return self._cause

    @contextlib.contextmanager
    def caused_by(self, cause: Cause) -> Iterator[None]:
        """Acting for one event of a run (``mesh_runtime.handlers.batched``): what is emitted or
        recorded meanwhile is caused by it. Never another tenant's: a run is one tenant's."""
        if cause.institution != self._cause.institution:
            raise ValueError(f"a run of {self._cause.institution} cannot act for an event of {cause.institution}")
        before, self._cause = self._cause, cause
        try:
            yield
        finally:
            self._cause = before

    @property
    def institution(self) -> str | None:
        """The tenant this unit of work acts in."""
        return self._cause.institution

    async def purge_published_mentions(self, participant_id: UUID) -> int:
        """Erasure: published events kept in the outbox for a while (for replays) that name this
        participant are dropped now. Unpublished ones stay: nothing is ever lost."""
        status = await self.connection.execute(
            """
            DELETE FROM mesh_outbox WHERE published_at IS NOT NULL
            AND (key = convert_to($1::text, 'UTF8') OR position(convert_to($1::text, 'UTF8') IN value) > 0)
            """,
            str(participant_id),
        )
        return int(status.split()[-1])

    async def emit(
        self,
        event: Event,
        *,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        institution: str | None = None,
    ) -> EventEnvelope[Any]:
        """Background work across tenants names each event's ``institution``; otherwise it is the cause's."""
        cause = Cause(correlation_id, causation_id) if correlation_id else self._cause
        tenant = institution or self._cause.institution
        if tenant is None:
            raise ContractError(f"{event.name}: no institution to publish it under")
        envelope = new_envelope(
            event,
            source=self._source,
            correlation_id=cause.correlation_id,
            causation_id=cause.causation_id,
            institution=tenant,
            **current_context(),
        )
        await self._transaction.emit(envelope)
        return envelope

    async def emit_many(self, events: "list[Event]") -> None:
        """Many events of the same cause in one round trip (a round's proposals)."""
        await self.emit_caused([(event, self._cause) for event in events])

    async def emit_caused(self, events: "Sequence[tuple[Event, CauseLike]]") -> None:
        """Many events, each caused by its own event (a run handled at once), in one round trip."""
        if self._cause.institution is None:
            raise ContractError("no institution to publish under")
        trace = current_context()
        await self._transaction.emit_many(
            [
                new_envelope(
                    event,
                    source=self._source,
                    correlation_id=cause.correlation_id,
                    causation_id=cause.causation_id,
                    institution=self._cause.institution,
                    **trace,
                )
                for event, cause in events
            ]
        )


class DatabaseUnavailable(ConnectionError):
    """PostgreSQL cannot be reached, or the connection was lost: it may pass (APIs answer 503 with
    Retry-After; consumers retry in place)."""


# What says the database is down when a connection is taken (refused, timed out, not accepting
# connections) and when it is lost mid-way; anything else is the caller's own error.
_DOWN_ON_ACQUIRE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ObjectNotInPrerequisiteStateError,
)
_LOST_MID_WAY = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
)
# What a read meets when the database is away or cuts the connection (for work that skips a turn
# rather than fail: a metrics scrape, the outbox relay's listener).
DATABASE_TROUBLE = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)
# What the pool's reset of a connection given back may meet when the server goes away under it.
_RESET_FAILED = (*DATABASE_TROUBLE, asyncpg.exceptions.InternalClientError)


def _lost(error: Exception, connection: PoolConnectionProxy, *, before_work: bool) -> bool:
    """Whether the error says the connection is gone (a server restart or an admin cut it), not that
    the work was wrong. asyncpg may word it as what the loss led to: a transaction that cannot roll
    back on a closed connection, raised while handling the query's lost connection. Before any work,
    a connection that fails to begin is gone, however asyncpg words it (a cut connection taken from
    the pool may report a protocol state error)."""
    if any(isinstance(link, _LOST_MID_WAY) for link in _chain(error)):
        return True
    client_side = (asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError, OSError)
    return isinstance(error, client_side) and (before_work or _closed(connection))


def _chain(error: BaseException) -> list[BaseException]:
    """The error and those it was raised from or while handling."""
    links: list[BaseException] = []
    link: BaseException | None = error
    while link is not None and link not in links:
        links.append(link)
        link = link.__cause__ or link.__context__
    return links


def _closed(connection: PoolConnectionProxy) -> bool:
    try:
        return connection.is_closed()
    except asyncpg.InterfaceError:  # the pool has already taken it back, as it does once a connection closes
        return True


def as_connection(pooled: PoolConnectionProxy) -> asyncpg.Connection:
    """What a pool hands out, as the Connection it stands for: the proxy forwards every method and
    asyncpg counts it as one (``isinstance`` holds); only the type stubs keep the two apart."""
    return cast(asyncpg.Connection, pooled)


class Database:
    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float = 5.0) -> None:
        self.pool = pool
        self.acquire_timeout = acquire_timeout  # waiting longer for a connection is a hang, not a slow answer
        # Called after each commit that emitted events: this process's outbox relay, woken at once.
        # Without one, the commit's NOTIFY wakes whichever relay listens (another process's).
        self.on_commit_emitted: Callable[[], None] | None = None

    @asynccontextmanager
    async def transaction(self, tenant: str | None = None) -> AsyncIterator[Transaction]:
        """One transaction acting in ``tenant`` (an institution id, or ``ALL_TENANTS``). Raises
        DatabaseUnavailable when PostgreSQL cannot be reached within ``acquire_timeout`` or the
        connection is lost."""
        try:
            connection = await self.pool.acquire(timeout=self.acquire_timeout)
        except _DOWN_ON_ACQUIRE as error:
            raise DatabaseUnavailable(f"the database is unavailable: {type(error).__name__}: {error}") from error
        started = False
        try:
            async with connection.transaction():
                transaction = Transaction(as_connection(connection), notify=self.on_commit_emitted is None)
                if tenant is not None:
                    await transaction.act_in(tenant)
                started = True
                yield transaction
                await transaction.flush()
            if transaction.emitted and self.on_commit_emitted is not None:
                self.on_commit_emitted()
        except Exception as error:
            if not _lost(error, connection, before_work=not started):
                raise
            with contextlib.suppress(asyncpg.InterfaceError):  # asyncpg may have taken a cut connection back already
                connection.terminate()  # never back into the pool as it is: the pool opens a new one
            raise DatabaseUnavailable(f"the database connection was lost: {type(error).__name__}: {error}") from error
        finally:
            await self._give_back(connection)

    async def _give_back(self, connection: PoolConnectionProxy) -> None:
        """Returns the connection to the pool. The pool resets it with a query first; when that fails
        (the server went down after the commit) the pool has already closed it and opens a new one
        when needed, and the transaction's own outcome, committed or raised, is the one that counts."""
        try:
            await self.pool.release(connection)
        except _RESET_FAILED as error:
            log.warning("a connection was lost as it went back to the pool", error=f"{type(error).__name__}: {error}")

    async def check(self) -> None:
        """Readiness probe: raises when the database cannot answer."""
        async with self.pool.acquire(timeout=2) as connection:
            await connection.fetchval("SELECT 1", timeout=2)

    async def close(self) -> None:
        await self.pool.close()
