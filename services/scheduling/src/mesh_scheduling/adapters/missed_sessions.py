"""The background sweep that marks sessions nobody recorded as missed, by the service's clock."""

from datetime import timedelta

from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS, Cause
from mesh_runtime.workers import PeriodicWorker
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.mark_missed import mark_missed
from mesh_scheduling.settings import SchedulingSettings


def missed_sessions_worker(components: Components) -> PeriodicWorker:
    settings = components.settings
    assert isinstance(settings, SchedulingSettings)
    return PeriodicWorker("missed-sessions", lambda: sweep_missed(components), settings.timed_work_interval_seconds)


async def sweep_missed(components: Components) -> int:
    """Each institution in a transaction of its own; replicas skip each other's locked rows."""
    settings = components.settings
    assert isinstance(settings, SchedulingSettings)
    now = components.clock.now()
    grace = timedelta(hours=settings.session_missed_after_hours)
    async with components.database.transaction(ALL_TENANTS) as transaction:
        institutions = await transaction.connection.fetch(
            "SELECT DISTINCT institution FROM sessions WHERE status = 'scheduled' AND ends_at < $1", now - grace
        )
    marked = 0
    for row in institutions:
        while True:
            async with components.database.transaction(row["institution"]) as transaction:
                uow = PostgresSchedulingUnitOfWork(transaction, components.source, Cause(institution=row["institution"]))
                batch = await mark_missed(uow, now, grace)
            marked += batch
            if batch == 0:
                break
    return marked
