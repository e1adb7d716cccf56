"""Startup: candidates from before the open-places index get their keys (topics are case-folded in
Python, as scoring compares them, so SQL cannot fill them in). Until then they are read as
possibly fitting anyone, so no one is missed meanwhile."""

import structlog

from mesh_matching.adapters.postgres import PostgresCandidates
from mesh_runtime.app import Components
from mesh_runtime.db import ALL_TENANTS

log = structlog.get_logger(__name__)


class SlotBackfill:
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
