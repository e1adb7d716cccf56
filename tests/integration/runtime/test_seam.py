"""The seam the runtime gives every route and worker, on real PostgreSQL: a route is handed a unit of
work in the caller's institution that commits before the answer is sent and is rolled back by a
refusal; a sweep visits each institution with work in a transaction of its own until none is left."""

from dataclasses import dataclass, field
from uuid import uuid4

import asyncpg
import httpx
from fastapi import FastAPI

from mesh_runtime.clock import Clock
from mesh_runtime.db import ALL_TENANTS, Database, UnitOfWork, create_pool
from mesh_runtime.dependencies import UNIT_OF_WORK
from mesh_runtime.http import correlation_middleware
from mesh_runtime.identity import Principal
from mesh_runtime.identity.claims import Role
from mesh_runtime.identity.http import authenticate
from mesh_runtime.refusals import Refusal, install_refusals
from mesh_runtime.workers import each_tenant
from tests.integration.runtime.conftest import EFFECTS_TABLE
from tests.support.databases import as_owner


class Refused(Exception):
    pass


@dataclass
class _Components:
    database: Database
    source: str = "/mentoring-mesh/test"
    clock: Clock = field(default_factory=Clock)


def _app(database: Database, institution: str) -> FastAPI:
    app = FastAPI()
    app.middleware("http")(correlation_middleware)
    app.state.components = _Components(database)
    app.state.unit_of_work = UnitOfWork
    app.dependency_overrides[authenticate] = lambda: Principal(
        subject="someone", institution=institution, campuses=frozenset({"north"}), roles=frozenset({Role.PARTICIPANT})
    )
    install_refusals(app, {Refused: Refusal(409, "refused-on-purpose")})

    @app.post("/effects/{campus}")
    async def write(campus: str, uow: UnitOfWork = UNIT_OF_WORK) -> dict[str, str | None]:
        await uow.connection.execute("INSERT INTO effects (participant_id, campus) VALUES ($1, $2)", uuid4(), campus)
        if campus == "twice":  # breaks a deferred constraint: it fails only at commit
            await uow.connection.execute("INSERT INTO effects (participant_id, campus) VALUES ($1, $2)", uuid4(), campus)
        if campus == "refused":
            raise Refused("written, then refused: nothing is kept")
        return {"institution": uow.institution}

    return app


async def _campuses(database: Database) -> list[tuple[str, str]]:
    async with database.transaction(ALL_TENANTS) as transaction:
        rows = await transaction.connection.fetch("SELECT institution, campus FROM effects ORDER BY seq")
    return [(row["institution"], row["campus"]) for row in rows]


async def test_a_route_is_given_a_unit_of_work_in_its_callers_institution_committed_before_the_answer(database) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(database, "uni-a")), base_url="http://t") as client:
        answer = await client.post("/effects/north")
        # Read as soon as the answer arrives: the write is already committed.
        assert answer.status_code == 200 and answer.json() == {"institution": "uni-a"}
        assert await _campuses(database) == [("uni-a", "north")]


async def test_a_commit_that_fails_is_the_callers_error_never_a_success_answered_first(database_factory) -> None:
    url = await database_factory()
    await as_owner(
        url, *EFFECTS_TABLE, "ALTER TABLE effects ADD CONSTRAINT one_per_campus UNIQUE (campus) DEFERRABLE INITIALLY DEFERRED"
    )
    database = Database(await create_pool(url))
    transport = httpx.ASGITransport(app=_app(database, "uni-a"), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post("/effects/twice")
    try:
        assert answer.status_code == 500  # had the answer gone before the commit, it would say 200
        assert await _campuses(database) == []
    finally:
        await database.pool.close()


async def test_a_refusal_rolls_back_what_the_route_wrote_and_is_answered_with_its_kind(database) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(database, "uni-a")), base_url="http://t") as client:
        answer = await client.post("/effects/refused")
    assert answer.status_code == 409
    assert answer.json()["type"] == "urn:mentoringmesh:problem:refused-on-purpose"
    assert await _campuses(database) == []


async def test_a_sweep_works_each_institution_in_its_own_tenant_until_nothing_is_left(database) -> None:
    for institution, count in (("uni-a", 5), ("uni-b", 2)):
        async with database.transaction(institution) as transaction:
            for _ in range(count):
                await transaction.connection.execute("INSERT INTO effects (participant_id, campus) VALUES ($1, 'todo')", uuid4())

    async def find(connection: asyncpg.Connection) -> list[asyncpg.Record]:
        return await connection.fetch("SELECT DISTINCT institution FROM effects WHERE campus = 'todo' ORDER BY 1")

    seen: list[tuple[str | None, str]] = []

    async def work(uow: UnitOfWork, row: asyncpg.Record) -> int:
        # Two at a time; the row-level security of the tenant shows this institution's rows only.
        taken = await uow.connection.fetch(
            "UPDATE effects SET campus = 'done' WHERE seq IN "
            "(SELECT seq FROM effects WHERE campus = 'todo' ORDER BY seq LIMIT 2 FOR UPDATE SKIP LOCKED) RETURNING institution"
        )
        seen.extend((uow.institution, taken_row["institution"]) for taken_row in taken)
        return len(taken)

    done = await each_tenant(_Components(database), UnitOfWork, find, work)  # type: ignore[arg-type]  # a stand-in
    assert done == 7
    assert all(acting == owner for acting, owner in seen)  # every row worked in its own institution
    assert sorted(await _campuses(database)) == sorted([("uni-a", "done")] * 5 + [("uni-b", "done")] * 2)
