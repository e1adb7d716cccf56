"""Notify's unit of work: its stores on one transaction, what it reads from peers, and the service's clock."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Self
from uuid import UUID

from mesh_notify.adapters.peers import NotifyPeers
from mesh_notify.adapters.postgres.contacts import PostgresContacts
from mesh_notify.adapters.postgres.digests import PostgresDigests
from mesh_notify.adapters.postgres.inbox import PostgresInbox
from mesh_notify.adapters.postgres.notifications import PostgresNotifications
from mesh_notify.adapters.postgres.preferences import PostgresPreferences
from mesh_notify.adapters.postgres.session_revisions import PostgresSessionRevisions
from mesh_runtime.clock import Clock
from mesh_runtime.components import Components
from mesh_runtime.db import SYSTEM_CLOCK, Cause, Transaction, UnitOfWork
from mesh_runtime.erasures import PostgresErasures


class PostgresNotifyUnitOfWork(UnitOfWork):
    def __init__(
        self,
        transaction: Transaction,
        source: str,
        cause: Cause,
        *,
        clock: Clock = SYSTEM_CLOCK,
        peers: NotifyPeers | None = None,
    ) -> None:
        super().__init__(transaction, source, cause, clock=clock)
        self.erasures = PostgresErasures(self.connection)
        self.contacts = PostgresContacts(self.connection)
        self.digests = PostgresDigests(self.connection)
        self.notifications = PostgresNotifications(self.connection, self.contacts)
        self.preferences = PostgresPreferences(self.connection)
        self.session_revisions = PostgresSessionRevisions(self.connection)
        self.inbox = PostgresInbox(self.connection)
        self._peers = peers

    @classmethod
    def of(cls, transaction: Transaction, cause: Cause, components: Components) -> Self:
        return cls(transaction, components.source, cause, clock=components.clock, peers=components.peers)

    @asynccontextmanager
    async def run_naming(self, participant_ids: Iterable[UUID]) -> AsyncIterator[None]:
        """A run of events naming these people: their contacts and preferences read once, what the
        run plans written together at its end (contacts first: a notification takes its campus)."""
        wanted = set(participant_ids)
        await self.contacts.hold(wanted)
        await self.preferences.hold(wanted)
        self.notifications.hold()
        try:
            yield
        finally:
            self.preferences.release()
        await self.contacts.write_held()
        await self.notifications.write_held()

    @property
    def peers(self) -> NotifyPeers:
        """Profile and matching, as notify reads them (built once per running service)."""
        if self._peers is None:
            raise RuntimeError("this unit of work was built without peers: build it with `of`")
        return self._peers
