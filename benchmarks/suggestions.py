"""A participant's suggestions at a 10,000-person pool, on real PostgreSQL (security review M10).

The worst case: a mentor with room whose topics fit every one of 10,000 waiting mentees, so each
call must rank the whole pool. Timed as matching's route runs it (its own transaction, the
participant, the policy, the exclusions and the open partners read, then ranked):

- before: the pure-Python ranking every call did (``rank_partners``), measured in this run;
- after, cold: the compiled kernel's ranking (the cache emptied before every call);
- after, repeated: the same participant asking again while nothing changed (the cache).

Beside each, the event loop's longest stall while the calls ran (a 1 ms ticker's worst lateness):
what one participant's calls cost everyone else the service serves.

Prints a readable line and a JSON line per figure. Usage: python -m benchmarks.suggestions [pool] [calls]
"""

import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from benchmarks.intake import INSTITUTION, PROGRAM, waiting_profiles
from mesh_matching.adapters.kept_in_memory import DECODED
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application import self_selection
from mesh_matching.application.suggestions_cache import SUGGESTIONS
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.proposal import rank_partners
from mesh_matching.domain.scoring import reference_week
from mesh_runtime.db import Cause, Database, create_pool
from tests.support import infrastructure
from tests.support.databases import as_owner, create_database, drop_database
from tests.support.factories import mentor_profile

LIMIT = 5  # the route's default


async def fill(database: Database, url: str, size: int) -> Candidate:
    """``size`` waiting mentees (a thousand different profiles) in one set-based insert, and a mentor
    whose topics fit them all, stored as the pool keeps people."""
    templates = waiting_profiles()
    async with database.transaction(INSTITUTION) as transaction:
        await transaction.connection.execute(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, slots)
            SELECT gen_random_uuid(), $1, (($2::jsonb[])[1 + g % $4]), 1, ($3::text[])[1 + g % $4:1 + g % $4]
            FROM generate_series(1, $5) g
            """,
            PROGRAM,
            [t.profile.model_dump(mode="json") for t in templates],
            [t.slots()[0] for t in templates],
            len(templates),
            size,
        )
        topics = sorted({t.topic for c in templates for t in c.profile.topics})
        mentor = Candidate(
            uuid.uuid4(),
            mentor_profile(
                program_id=PROGRAM,
                mentor_capacity=3,
                languages=["en", "de"],
                topics=[{"topic": t, "role": "mentor"} for t in topics],
            ),
        )
        await self_selection_store(transaction).add(mentor)
    await as_owner(url, "VACUUM ANALYZE candidates", "VACUUM ANALYZE open_slots")  # as a pool grown over days
    return mentor


def self_selection_store(transaction):
    return PostgresMatchingUnitOfWork(transaction, "/bench", Cause(institution=INSTITUTION)).candidates


async def after(database: Database, me: Candidate) -> int:
    async with database.transaction(INSTITUTION) as transaction:
        uow = PostgresMatchingUnitOfWork(transaction, "/bench", Cause(institution=INSTITUTION))
        return len(await self_selection.suggest_partners(uow, me.participant_id, LIMIT))


async def after_cold(database: Database, me: Candidate) -> int:
    SUGGESTIONS.clear()
    return await after(database, me)


async def before(database: Database, me: Candidate) -> int:
    """The route as it was: the same reads, then every open partner scored in pure Python on the loop."""
    async with database.transaction(INSTITUTION) as transaction:
        uow = PostgresMatchingUnitOfWork(transaction, "/bench", Cause(institution=INSTITUTION))
        mine = await uow.candidates.get(me.participant_id)
        assert mine is not None and await uow.candidates.room(me.participant_id) >= 1
        policy = (await uow.policies.current(mine.program_id))[1]
        excluded = await uow.matches.excluded_partners(me.participant_id)
        allowed = [c for c in await uow.candidates.open_partners(mine) if c.participant_id not in excluded]
        return len(rank_partners(mine, allowed, policy, reference_week(datetime.now(UTC)))[:LIMIT])


async def timed(call: Callable[[Database, Candidate], Awaitable[int]], database: Database, me: Candidate, calls: int) -> dict:
    for _ in range(2):  # warm: connections, plans, decoded profiles, compiled kernels
        await call(database, me)
    stalls: list[float] = []
    running = True

    async def ticker() -> None:
        while running:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            stalls.append(time.perf_counter() - started - 0.001)

    watching = asyncio.create_task(ticker())
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        shown = await call(database, me)
        latencies.append(time.perf_counter() - started)
    running = False
    await watching
    assert shown == LIMIT, shown
    latencies.sort()
    return {
        "calls": calls,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
        "longest_loop_stall_ms": round(max(stalls) * 1000, 1),
    }


async def run(endpoints: infrastructure.Endpoints, size: int, calls: int) -> list[dict]:
    url = await create_database(endpoints.postgres_admin_url, "mesh_matching.migrations")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    figures = []
    try:
        me = await fill(database, url, size)
        async with database.transaction(INSTITUTION) as transaction:
            store = self_selection_store(transaction)
            partners = len(await store.open_partners(await store.get(me.participant_id)))
        old = await timed(before, database, me, max(5, calls // 5))
        cold = await timed(after_cold, database, me, calls)
        repeated = await timed(after, database, me, calls)
        for name, figure in (
            ("before: pure-Python ranking", old),
            ("after: compiled kernel, cache emptied", cold),
            ("after: asked again, nothing changed", repeated),
        ):
            figures.append({"figure": name, "pool": size, "open_partners": partners, **figure})
        figures.append({"figure": "p99 before / after (cold)", "value": round(old["p99_ms"] / cold["p99_ms"], 1)})
        figures.append({"figure": "p99 before / after (repeated)", "value": round(old["p99_ms"] / repeated["p99_ms"], 1)})
    finally:
        await pool.close()
        await drop_database(endpoints.postgres_admin_url, url)
        DECODED.sweep()
    return figures


def readable(figure: dict) -> str:
    if "p50_ms" in figure:
        return (
            f"{figure['figure']:<40} pool {figure['pool']:,} ({figure['open_partners']:,} open partners), "
            f"{figure['calls']} calls: p50 {figure['p50_ms']} ms, p99 {figure['p99_ms']} ms, "
            f"longest event-loop stall {figure['longest_loop_stall_ms']} ms"
        )
    return f"{figure['figure']}: x{figure['value']}"


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    with infrastructure.provide() as provided:
        results = asyncio.run(run(provided, *(arguments + [10_000, 100][len(arguments) :])))
    for result in results:
        print(readable(result))
    for result in results:
        print(json.dumps({"benchmark": "suggestions", **result}))
