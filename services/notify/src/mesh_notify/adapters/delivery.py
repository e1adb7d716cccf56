"""The background worker that delivers due notifications, one transaction each."""

from mesh_notify.adapters.postgres import PostgresNotifications, PostgresNotifyUnitOfWork
from mesh_notify.application.deliver_notification import Links, deliver_next
from mesh_notify.application.ports import Mailer
from mesh_notify.settings import NotifySettings
from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS, Cause
from mesh_runtime.workers import PeriodicWorker


def delivery_worker(components: Components, mailer: Mailer) -> PeriodicWorker:
    settings = components.settings
    assert isinstance(settings, NotifySettings)

    links = Links(settings.public_base_url, settings.scheduling_public_base_url)

    async def deliver_due() -> int:
        delivered = 0
        while not worker.stopping:
            # Each delivery in its institution's own transaction; the next due one says which that is.
            async with components.database.transaction(ALL_TENANTS) as transaction:
                now = components.clock.now()
                tenant = await PostgresNotifications(transaction.connection).next_due_institution(now)
            if tenant is None:
                break
            async with components.database.transaction(tenant) as transaction:
                uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause(institution=tenant))
                if await deliver_next(uow, mailer, links, now) is None:
                    continue  # another replica took it first
            delivered += 1
        return delivered

    worker = PeriodicWorker("notification-delivery", deliver_due, settings.delivery_poll_interval_seconds)
    return worker
