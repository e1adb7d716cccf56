"""Scheduling's background work: the sweep that marks sessions nobody recorded as missed, by the
service's clock."""

from datetime import timedelta
from typing import Any

import asyncpg

from mesh_runtime.components import Components, Worker
from mesh_runtime.workers import PeriodicWorker, each_tenant
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.mark_missed import mark_missed
from mesh_scheduling.settings import settings_of


def workers(components: Components) -> list[Worker]:
    """``ServiceDefinition.workers``: what runs beside the consumers."""
    interval = settings_of(components).timed_work_interval_seconds
    return [PeriodicWorker("missed-sessions", lambda: sweep_missed(components), interval)]


async def sweep_missed(components: Components) -> int:
    """Each institution with sessions past the grace, in a transaction of its own until none is
    left; replicas skip each other's locked rows. Returns how many were marked."""
    grace = timedelta(hours=settings_of(components).session_missed_after_hours)

    async def find(connection: asyncpg.Connection) -> list[asyncpg.Record]:
        return await connection.fetch(
            "SELECT DISTINCT institution FROM sessions WHERE status = 'scheduled' AND ends_at < $1",
            components.clock.now() - grace,
        )

    async def work(uow: PostgresSchedulingUnitOfWork, _row: Any) -> int:
        return await mark_missed(uow, grace)

    return await each_tenant(components, PostgresSchedulingUnitOfWork, find, work)
