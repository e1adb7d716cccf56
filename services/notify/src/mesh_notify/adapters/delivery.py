"""The background worker that delivers due notifications, each in a transaction of its own, several
at once."""

import asyncio

from mesh_notify.adapters.postgres import PostgresNotifications, PostgresNotifyUnitOfWork
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.application.deliver_notification import Links, deliver_next
from mesh_notify.settings import NotifySettings
from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS, Cause
from mesh_runtime.workers import PeriodicWorker


def delivery_worker(components: Components, mailer: SmtpMailer) -> PeriodicWorker:
    """While mail is due, ``delivery_concurrency`` senders take the oldest due ones side by side
    (each locks its own with SKIP LOCKED, as replicas do), so a burst is not held to one mail
    server's round trips; when none is due, one query per poll."""
    settings = components.settings
    assert isinstance(settings, NotifySettings)

    links = Links(settings.public_base_url, settings.scheduling_public_base_url)

    async def deliver_one() -> bool:
        """False when nothing due is left to take."""
        while True:
            # Each delivery in its institution's own transaction; the next due one says which that is.
            async with components.database.transaction(ALL_TENANTS) as transaction:
                now = components.clock.now()
                tenant = await PostgresNotifications(transaction.connection).next_due_institution(now)
            if tenant is None:
                return False
            async with components.database.transaction(tenant) as transaction:
                uow = PostgresNotifyUnitOfWork(transaction, components.source, Cause(institution=tenant))
                if await deliver_next(uow, mailer, links, now) is not None:
                    return True
            # another sender took that institution's last due one since: look again

    async def sender() -> int:
        delivered = 0
        while not worker.stopping and await deliver_one():
            delivered += 1
        return delivered

    async def deliver_due() -> int:
        try:
            if not await deliver_one():
                return 0
            # Each sender ends by itself (nothing due, stopping, or an error of its own); none is
            # cancelled half-way through a mail because another failed.
            outcomes = await asyncio.gather(*(sender() for _ in range(settings.delivery_concurrency)), return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
            return 1 + sum(outcomes)
        finally:
            await mailer.close_idle()  # the burst is over (or the worker stops): no connection left waiting

    worker = PeriodicWorker("notification-delivery", deliver_due, settings.delivery_poll_interval_seconds)
    return worker
