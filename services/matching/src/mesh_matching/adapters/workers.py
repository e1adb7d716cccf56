"""The background sweep that expires proposals past their deadline."""

from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.expire_proposals import expire_proposals
from mesh_matching.settings import MatchingSettings
from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS, Cause
from mesh_runtime.workers import PeriodicWorker


def expiry_worker(components: Components) -> PeriodicWorker:
    settings = components.settings
    assert isinstance(settings, MatchingSettings)

    async def sweep() -> int:
        """Each program's lapsed proposals in a transaction of its own, in its institution, by the service's clock."""
        now = components.clock.now()
        async with components.database.transaction(ALL_TENANTS) as transaction:
            programs = await transaction.connection.fetch(
                "SELECT DISTINCT institution, program_id FROM matches WHERE status = 'proposed' AND expires_at <= $1", now
            )
        expired = 0
        for row in programs:
            async with components.database.transaction(row["institution"]) as transaction:
                uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=row["institution"]))
                expired += await expire_proposals(uow, row["program_id"], now)
        return expired

    return PeriodicWorker("proposal-expiry", sweep, settings.expiry_sweep_interval_seconds)
