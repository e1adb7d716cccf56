"""One open database transaction: the tenant it acts in, its savepoints, and the events it emits,
written to the outbox together just before it commits."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg

from mentoring_contracts import CATALOG, ContractError, EventEnvelope, to_kafka

OUTBOX_CHANNEL = "mesh_outbox"


class Transaction:
    """One open database transaction; events emitted here are published only if it commits.

    Emitted events wait here and go to the outbox together, in one statement, just before the
    commit (``flush``): a batch of a hundred handled events is one outbox insert, not a hundred."""

    def __init__(self, connection: asyncpg.Connection, tenant: str | None = None, *, notify: bool = True) -> None:
        self.connection = connection
        self.tenant = tenant
        self._notify = notify  # NOTIFY wakes relays in other processes; this process's is woken after commit
        self._pending: list[tuple[UUID, str, bytes, dict[str, str], bytes, str]] = []
        self.emitted = 0

    async def act_in(self, tenant: str) -> None:
        """From here on, act in ``tenant`` (a batch of events from several institutions)."""
        if tenant != self.tenant:
            await self.connection.execute("SELECT set_config('mesh.institution', $1, true)", tenant)
            self.tenant = tenant

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part that can fail alone: on an exception its writes (and events) are undone, the rest stays."""
        pending, tenant = len(self._pending), self.tenant
        try:
            async with self.connection.transaction():
                yield
        except BaseException:
            del self._pending[pending:]  # its events go with its writes
            self.tenant = tenant  # its set_config went with it
            raise

    async def emit(self, envelope: EventEnvelope[Any]) -> None:
        """Write an event to the transactional outbox; the relay publishes it after commit.

        Strict writer: only events the catalogue describes leave a service."""
        await self.emit_many([envelope])

    async def emit_many(self, envelopes: list[EventEnvelope[Any]]) -> None:
        """``emit`` for many: checked now, written with the rest of the transaction's at ``flush``."""
        for envelope in envelopes:
            if envelope.type not in CATALOG or CATALOG.model_for(envelope.type) is not type(envelope.data):
                raise ContractError(f"{envelope.type} is not an event of the published catalogue")
            if type(envelope.data).retired:
                raise ContractError(f"{envelope.type} is retired: it is read from history, never written")
            if envelope.institution is None:
                raise ContractError(f"{envelope.type}: every event names its institution (ce_institution)")
            record = to_kafka(envelope)
            self._pending.append((envelope.id, record.topic, record.key, record.headers, record.value, envelope.type))

    async def flush(self) -> int:
        """Writes the events emitted so far to the outbox, in emission order, in one statement; returns
        how many. The runtime calls it before every commit."""
        rows, self._pending = self._pending, []
        if not rows:
            return 0
        ids, topics, keys, headers, values, types = (list(column) for column in zip(*rows, strict=True))
        await self.connection.execute(
            """
            INSERT INTO mesh_outbox (event_id, topic, key, headers, value, event_type)
            SELECT event_id, topic, key, headers, value, event_type
            FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::jsonb[], $5::bytea[], $6::text[])
                WITH ORDINALITY AS emitted (event_id, topic, key, headers, value, event_type, position)
            ORDER BY position
            """,
            ids,
            topics,
            keys,
            headers,
            values,
            types,
        )
        if self._notify and self.emitted == 0:
            # Delivered by PostgreSQL only on commit: wakes the relays of other processes without polling.
            await self.connection.execute(f"NOTIFY {OUTBOX_CHANNEL}")
        self.emitted += len(rows)
        return len(rows)
