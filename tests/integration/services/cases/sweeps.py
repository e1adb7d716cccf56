"""The cases every worker sweep must pass. A subclass names its service and the worker (by its name in
the service's ``workers``), and gives the hooks: how due work is put in for an institution, how long
the clock must move before it is due, and how much of an institution's work is done. The cases then
hold for each: with nothing due it does nothing and opens no institution's transaction; it works
each institution in a transaction of its own, and what it writes for one names none of another's
work; a second sweep right after finds nothing more."""

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import FastAPI

from mesh_runtime.app import ServiceDefinition
from mesh_runtime.clock import advance
from mesh_runtime.db import ALL_TENANTS, Database
from mesh_runtime.workers import PeriodicWorker
from tests.integration.services.cases.holdings import BOOKKEEPING, fingerprint
from tests.support.identity import INSTITUTION
from tests.support.services import running

OTHER_INSTITUTION = "other-college"


@dataclasses.dataclass
class Sweeping:
    """A service on a clock of its own (``clock_file``), with none of its workers running by themselves."""

    app: FastAPI
    client: httpx.AsyncClient
    clock_file: Path

    def advance(self, by: timedelta) -> None:
        if by > timedelta():
            advance(self.clock_file, by)


@contextlib.contextmanager
def tenants_opened(database: Database) -> Iterator[list[str | None]]:
    """The tenant of every transaction opened on ``database`` meanwhile, in order."""
    opened: list[str | None] = []
    original = database.transaction

    def recording(tenant: str | None = None):
        opened.append(tenant)
        return original(tenant)

    database.transaction = recording  # type: ignore[method-assign]  # a spy on this one instance
    try:
        yield opened
    finally:
        del database.transaction


class SweepCases:
    """Not collected itself (no ``Test`` prefix): each sweep's subclass is."""

    definition: ClassVar[ServiceDefinition]
    worker_name: ClassVar[str]
    due_after: ClassVar[timedelta]  # how far the clock moves after seeding for the work to be due
    # A sweep that must look into every institution holding its kind of work, due or not (it can
    # tell what is due only there), says so: then only an empty service opens no tenant.
    looks_into_pending_work: ClassVar[bool] = False

    @contextlib.contextmanager
    def alongside(self) -> Iterator[dict[str, Any]]:
        """What the service needs running beside it (a mail server); yields its extra settings."""
        yield {}

    async def prepare(self, sweeping: Sweeping) -> None:
        """Once, before anything is seeded (e.g. the clock set to a known local hour)."""

    async def seed(self, sweeping: Sweeping, institution: str) -> set[str]:
        """Puts in work that falls due once the clock moves ``due_after``; returns the ids that name
        it (people, matches, sessions), to tell which institution an event written by the sweep is about."""
        raise NotImplementedError

    async def handled(self, sweeping: Sweeping, institution: str) -> int:
        """How much of ``institution``'s work is done (read in its tenant)."""
        raise NotImplementedError

    @pytest.fixture
    async def sweeping(self, endpoints, database_factory, tmp_path):
        clock_file = tmp_path / "clock-offset"
        alone = dataclasses.replace(self.definition, workers=lambda _: [])  # the cases sweep, nothing else does
        with self.alongside() as settings:
            url = await database_factory(self.definition)
            async with running(alone, endpoints.kafka_bootstrap, url, clock_offset_file=clock_file, **settings) as (app, client):
                sweeping = Sweeping(app, client, clock_file)
                await self.prepare(sweeping)
                yield sweeping

    def worker(self, app: FastAPI) -> PeriodicWorker:
        """The service's own worker of that name, as its ``workers`` builds it."""
        [worker] = [w for w in self.definition.workers(app.state.components) if getattr(w, "name", None) == self.worker_name]
        return worker

    async def sweep(self, sweeping: Sweeping) -> tuple[int, list[str | None]]:
        """One pass of the worker, as its loop makes it; with the tenants it opened."""
        worker = self.worker(sweeping.app)
        with tenants_opened(sweeping.app.state.components.database) as opened:
            done = await worker.tick()  # the loop's one pass, without the loop
        return done, opened

    async def outbox_after(self, app: FastAPI, last: int) -> list[Any]:
        return await app.state.components.database.pool.fetch(
            "SELECT headers->>'ce_institution' AS institution, convert_from(value, 'UTF8') AS data FROM mesh_outbox WHERE id > $1",
            last,
        )

    async def last_outbox_row(self, app: FastAPI) -> int:
        return await app.state.components.database.pool.fetchval("SELECT coalesce(max(id), 0) FROM mesh_outbox")

    async def test_with_nothing_at_all_it_does_nothing_and_opens_no_tenant(self, sweeping) -> None:
        sweeping.advance(self.due_after)
        done, opened = await self.sweep(sweeping)
        assert not done and set(opened) <= {ALL_TENANTS}, opened

    async def test_work_not_yet_due_is_left_alone(self, sweeping) -> None:
        if self.due_after == timedelta():
            pytest.skip("its work is due as soon as it is there")
        await self.seed(sweeping, INSTITUTION)
        last = await self.last_outbox_row(sweeping.app)
        done, opened = await self.sweep(sweeping)
        assert not done and await self.handled(sweeping, INSTITUTION) == 0
        assert await self.outbox_after(sweeping.app, last) == []
        touched = {ALL_TENANTS, INSTITUTION} if self.looks_into_pending_work else {ALL_TENANTS}
        assert set(opened) <= touched, opened

    async def test_each_institution_is_worked_in_its_own_tenant_and_none_leaks(self, sweeping) -> None:
        work = {institution: await self.seed(sweeping, institution) for institution in (INSTITUTION, OTHER_INSTITUTION)}
        sweeping.advance(self.due_after)
        last = await self.last_outbox_row(sweeping.app)
        done, opened = await self.sweep(sweeping)
        assert done
        assert set(opened) == {ALL_TENANTS, INSTITUTION, OTHER_INSTITUTION}, opened
        for institution in work:
            assert await self.handled(sweeping, institution) > 0, f"{institution}'s work was not done"
        for row in await self.outbox_after(sweeping.app, last):
            about = {institution for institution, ids in work.items() if any(i in row["data"] for i in ids)}
            assert about <= {row["institution"]}, f"an event of {row['institution']} names {about}'s work: {row['data']}"

    async def test_a_second_sweep_right_after_finds_nothing_more(self, sweeping) -> None:
        for institution in (INSTITUTION, OTHER_INSTITUTION):
            await self.seed(sweeping, institution)
        sweeping.advance(self.due_after)
        assert (await self.sweep(sweeping))[0]
        held = await fingerprint(sweeping.app, leaving_out=BOOKKEEPING)
        done, _ = await self.sweep(sweeping)
        assert not done
        assert await fingerprint(sweeping.app, leaving_out=BOOKKEEPING) == held
