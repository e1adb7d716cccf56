"""Notify's background work: delivering due mail, and coordinators' digests, each institution's in a
transaction of its own (``each_tenant``), by the service's clock."""

import asyncio

import asyncpg

from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.adapters.postgres.digests import PostgresDigests
from mesh_notify.adapters.postgres.notifications import PostgresNotifications
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.application.deliver_notification import deliver_next
from mesh_notify.application.ports import Mailer
from mesh_notify.application.send_digests import send_due_digests
from mesh_notify.settings import NotifySettings
from mesh_runtime.components import Components, Worker
from mesh_runtime.workers import PeriodicWorker, each_tenant


def workers(components: Components) -> list[Worker]:
    mailer = SmtpMailer(NotifySettings.of(components))
    return [delivery_worker(components, mailer), digest_worker(components, mailer)]


def delivery_worker(components: Components, mailer: SmtpMailer) -> PeriodicWorker:
    """While mail is due, ``delivery_concurrency`` senders take the oldest due ones side by side
    (each locks its own with SKIP LOCKED, as replicas do), so a burst is not held to one mail
    server's round trips; when none is due, one query per poll. Each sender sweeps one mail at a
    time: the institution of the oldest due one, then that mail in its institution's transaction."""
    settings = NotifySettings.of(components)
    links = settings.links

    async def deliver(uow: PostgresNotifyUnitOfWork, _due: asyncpg.Record) -> int:
        return 0 if await deliver_next(uow, mailer, links) is None else 1

    async def deliver_one() -> bool:
        """False when nothing due is left to take."""
        looked: list[asyncpg.Record] = []

        async def next_due(connection: asyncpg.Connection) -> list[asyncpg.Record]:
            looked[:] = await PostgresNotifications(connection).next_due_institution(components.clock.now())
            return looked

        while not await each_tenant(components, PostgresNotifyUnitOfWork, next_due, deliver, until_done=False):
            if not looked:
                return False
            # another sender took that institution's last due one since: look again
        return True

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
            return 1 + sum(outcomes)  # type: ignore[arg-type]  # no exception is left among them
        finally:
            await mailer.close_idle()  # the burst is over (or the worker stops): no connection left waiting

    worker = PeriodicWorker("notification-delivery", deliver_due, settings.delivery_poll_interval_seconds)
    return worker


def digest_worker(components: Components, mailer: Mailer) -> PeriodicWorker:
    return PeriodicWorker(
        "coordinator-digests", lambda: sweep_digests(components, mailer), components.settings.timed_work_interval_seconds
    )


async def sweep_digests(components: Components, mailer: Mailer) -> int:
    """Every institution with a subscription, once each; returns how many digests went out."""

    async def subscribed(connection: asyncpg.Connection) -> list[asyncpg.Record]:
        return await PostgresDigests(connection).institutions()

    async def send(uow: PostgresNotifyUnitOfWork, _institution: asyncpg.Record) -> int:
        return await send_due_digests(uow, mailer)

    return await each_tenant(components, PostgresNotifyUnitOfWork, subscribed, send, until_done=False)
