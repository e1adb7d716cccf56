"""The background worker that delivers due notifications, one transaction each."""

import asyncio
import contextlib

import structlog

from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.deliver_notification import deliver_next
from mesh_notify.application.ports import Mailer
from mesh_notify.settings import NotifySettings
from mesh_runtime.app import Components, Worker
from mesh_runtime.db import Cause

log = structlog.get_logger(__name__)


class DeliveryWorker(Worker):
    def __init__(self, components: Components, mailer: Mailer) -> None:
        self._components = components
        self._mailer = mailer
        settings = components.settings
        assert isinstance(settings, NotifySettings)
        self._settings = settings
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-delivery")

    async def stop(self) -> None:
        """Lets the delivery under way finish, then stops."""
        self._stopping.set()
        if self._task:
            await self._task

    async def deliver_due(self) -> int:
        delivered = 0
        while not self._stopping.is_set():
            async with self._components.database.transaction() as transaction:
                uow = PostgresNotifyUnitOfWork(transaction, self._components.source, Cause())
                handled = await deliver_next(uow, self._mailer, self._settings.public_base_url)
            if handled is None:
                return delivered
            delivered += 1
        return delivered

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.deliver_due()
            except Exception:  # a database blip must not end delivery
                log.exception("delivery loop failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._settings.delivery_poll_interval_seconds)
