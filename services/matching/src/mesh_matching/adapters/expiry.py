"""The background sweep that expires proposals past their deadline."""

from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.expire_proposals import expire_proposals
from mesh_matching.settings import MatchingSettings
from mesh_runtime.app import Components
from mesh_runtime.db import Cause
from mesh_runtime.workers import PeriodicWorker


def expiry_worker(components: Components) -> PeriodicWorker:
    settings = components.settings
    assert isinstance(settings, MatchingSettings)

    async def sweep() -> int:
        async with components.database.transaction() as transaction:
            return await expire_proposals(PostgresMatchingUnitOfWork(transaction, components.source, Cause()))

    return PeriodicWorker("proposal-expiry", sweep, settings.expiry_sweep_interval_seconds)
