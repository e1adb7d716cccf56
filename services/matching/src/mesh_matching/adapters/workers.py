"""What matching runs beside its routes and consumer: the timed sweeps (lapsed proposals, dormant
pairs), each on the runtime's per-tenant sweep (``each_tenant``) by the service's clock; the work
done once at start-up (open-place keys of old candidates; the round kernels compiled, only if
``warm_round_kernels`` asks: by default they load on the first round or large join); what a replica
keeps in memory, let go; and the round previews' jobs."""

import asyncio
import time
from collections.abc import Sequence
from datetime import timedelta

import asyncpg
import structlog

from mesh_matching.adapters.kept_in_memory import decoded_profiles_sweep, forget_listener
from mesh_matching.adapters.peers import peers_of
from mesh_matching.adapters.postgres import PostgresCandidates, PostgresMatchingUnitOfWork
from mesh_matching.adapters.postgres.dormant_pairs import programs_with_dormancy_work
from mesh_matching.adapters.postgres.matches import programs_with_lapsed_proposals
from mesh_matching.application.expire_proposals import expire_proposals
from mesh_matching.application.watch_dormant_pairs import DormancySweep, watch_dormant_pairs
from mesh_matching.settings import MatchingSettings
from mesh_runtime.components import Components, Worker
from mesh_runtime.db import ALL_TENANTS
from mesh_runtime.workers import PeriodicWorker, each_tenant

log = structlog.get_logger(__name__)


def workers(components: Components) -> list[Worker]:
    warm = [KernelWarmUp()] if MatchingSettings.of(components).warm_round_kernels else []
    return [
        SlotBackfill(components),
        *warm,
        expiry_worker(components),
        dormancy_worker(components),
        decoded_profiles_sweep(),
        forget_listener(components),
        peers_of(components).previews,
    ]


def expiry_worker(components: Components) -> PeriodicWorker:
    async def sweep() -> int:
        """Each program's lapsed proposals in a transaction of its own, in its institution."""

        async def find(connection: asyncpg.Connection) -> Sequence[asyncpg.Record]:
            return await programs_with_lapsed_proposals(connection, components.clock.now())

        async def expire(uow: PostgresMatchingUnitOfWork, row: asyncpg.Record) -> int:
            return await expire_proposals(uow, row["program_id"])

        return await each_tenant(components, PostgresMatchingUnitOfWork, find, expire, until_done=False)

    return PeriodicWorker("proposal-expiry", sweep, MatchingSettings.of(components).expiry_sweep_interval_seconds)


def dormancy_worker(components: Components) -> PeriodicWorker:
    async def sweep() -> int:
        found = await sweep_dormant(components)
        return found.found_dormant + found.ended

    return PeriodicWorker("dormant-pairs", sweep, components.settings.timed_work_interval_seconds)


async def sweep_dormant(components: Components) -> DormancySweep:
    """Each program with dormancy work, a batch at a time in a transaction of its own, in its
    institution, until it has none left."""
    margin = timedelta(minutes=MatchingSettings.of(components).dormant_end_margin_minutes)
    total = DormancySweep()

    async def find(connection: asyncpg.Connection) -> Sequence[asyncpg.Record]:
        now = components.clock.now()
        return await programs_with_dormancy_work(connection, now, now - margin)

    async def watch(uow: PostgresMatchingUnitOfWork, row: asyncpg.Record) -> int:
        nonlocal total
        batch = await watch_dormant_pairs(uow, row["program_id"], margin=margin)
        total += batch
        return batch.found_dormant + batch.ended

    await each_tenant(components, PostgresMatchingUnitOfWork, find, watch)
    return total


class SlotBackfill:
    """Startup: candidates from before the open-places index get their keys (topics are case-folded in
    Python, as scoring compares them, so SQL cannot fill them in). Until then they are read as
    possibly fitting anyone, so no one is missed meanwhile."""

    def __init__(self, components: Components) -> None:
        self._components = components

    async def start(self) -> None:
        filled = 0
        while True:
            async with self._components.database.transaction(ALL_TENANTS) as transaction:
                batch = await PostgresCandidates(transaction.connection).fill_in_slots()
            filled += batch
            if batch == 0:
                break
        if filled:
            log.info("open-place keys filled in for candidates from before them", candidates=filled)

    async def stop(self) -> None:
        return None


class KernelWarmUp:
    """Startup, when ``warm_round_kernels`` asks: a worker whose start returns once the round kernels
    are compiled: the service answers (and reports ready) only then, so no coordinator's round waits
    for a compiler. The price is numpy, numba and scipy held by every idle replica."""

    async def start(self) -> None:
        from mesh_matching.domain.rounds.warm_up import warm_up  # imports the kernels: only when asked

        started = time.perf_counter()
        await asyncio.to_thread(warm_up)  # compiling holds no event loop
        log.info("round kernels ready", seconds=round(time.perf_counter() - started, 2))

    async def stop(self) -> None:
        return None
