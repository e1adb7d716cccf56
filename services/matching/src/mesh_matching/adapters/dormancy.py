"""The background sweep that finds dormant pairs and ends those past their grace, by the service's clock."""

from datetime import timedelta

from mesh_matching.adapters.dormancy_store import programs_with_dormancy_work
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.watch_dormant_pairs import DormancySweep, watch_dormant_pairs
from mesh_matching.settings import MatchingSettings
from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS, Cause
from mesh_runtime.workers import PeriodicWorker


def dormancy_worker(components: Components) -> PeriodicWorker:
    async def sweep() -> int:
        found = await sweep_dormant(components)
        return found.found_dormant + found.ended

    return PeriodicWorker("dormant-pairs", sweep, components.settings.timed_work_interval_seconds)


async def sweep_dormant(components: Components) -> DormancySweep:
    """Each program with dormancy work in a transaction of its own, in its institution."""
    settings = components.settings
    assert isinstance(settings, MatchingSettings)
    now, margin = components.clock.now(), timedelta(minutes=settings.dormant_end_margin_minutes)
    async with components.database.transaction(ALL_TENANTS) as transaction:
        programs = await programs_with_dormancy_work(transaction.connection, now, now - margin)
    total = DormancySweep()
    for row in programs:
        while True:
            async with components.database.transaction(row["institution"]) as transaction:
                uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=row["institution"]))
                batch = await watch_dormant_pairs(uow, row["program_id"], now, margin=margin)
            total = DormancySweep(
                total.revived + batch.revived, total.found_dormant + batch.found_dormant, total.ended + batch.ended
            )
            if batch.found_dormant + batch.ended == 0:
                break
    return total
