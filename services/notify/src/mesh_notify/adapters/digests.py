"""The background look for coordinators' digests that are due, by the service's clock."""

from mesh_notify.adapters.digest_store import PostgresDigests
from mesh_notify.application.ports import Mailer
from mesh_notify.application.send_digests import send_due_digests
from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS
from mesh_runtime.workers import PeriodicWorker


def digest_worker(components: Components, mailer: Mailer) -> PeriodicWorker:
    return PeriodicWorker(
        "coordinator-digests", lambda: send_digests(components, mailer), components.settings.timed_work_interval_seconds
    )


async def send_digests(components: Components, mailer: Mailer) -> int:
    """Each institution's subscriptions in a transaction of its own."""
    now = components.clock.now()
    async with components.database.transaction(ALL_TENANTS) as transaction:
        institutions = await transaction.connection.fetch("SELECT DISTINCT institution FROM coordinator_digests")
    sent = 0
    for row in institutions:
        async with components.database.transaction(row["institution"]) as transaction:
            sent += await send_due_digests(PostgresDigests(transaction.connection), mailer, now)
    return sent
