"""Intake at scale: what one join costs matching as a program's pool grows, on real PostgreSQL.

The issue's case: mentees join one program and no partner fits them yet, so each waits. Blocks of
joins are timed at pools of 1k, 10k and 100k waiting people (the pool between blocks is loaded with
a set-based insert), each join as matching's consumer runs it (its own transaction, the program's lock, the
candidate stored, its places filled). Next to each block, the baseline measured in the same run: a
full recompute, as the per-join path did before (every open candidate of the program read, parsed
and scored). Then the one join that must look at everyone: a mentor with three places who fits them all.

Prints a readable line and a JSON line per figure. Usage: python -m benchmarks.intake [block]
"""

import asyncio
import json
import sys
import time
import uuid
from datetime import UTC, datetime

from mentoring_contracts import ParticipantProfile
from mesh_local.cohort import demo_cohort
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.proposal import rank_partners
from mesh_matching.domain.scoring import MatchingPolicy, reference_week
from mesh_runtime.db import Cause, Database, create_pool
from tests.support import infrastructure
from tests.support.databases import create_database, drop_database
from tests.support.factories import mentor_profile, profile

INSTITUTION, PROGRAM = "bench-university", "first-year-stem"
POOLS = (1_000, 10_000, 100_000)
POLICY = MatchingPolicy()


def mentee() -> Candidate:
    return Candidate(uuid.uuid4(), profile(program_id=PROGRAM))


def waiting_profiles(count: int = 1_000) -> list[Candidate]:
    """As varied as a real cohort (the demo's people, each of them a mentee): ties stay rare."""
    people = []
    for data in demo_cohort(count, seed=11, program_id=PROGRAM):
        data["topics"] = [{**topic, "role": "mentee"} for topic in data["topics"]]
        people.append(Candidate(uuid.uuid4(), ParticipantProfile.model_validate(data | {"mentor_capacity": 0})))
    return people


async def grow(database: Database, size: int, templates: list[Candidate]) -> None:
    """Waiting mentees straight into the store, as if they had joined before: one set-based insert
    from a thousand different profiles, not the use case (the ids are new)."""
    async with database.transaction(INSTITUTION) as transaction:
        have = await transaction.connection.fetchval("SELECT count(*) FROM candidates")
        await transaction.connection.execute(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, slots)
            SELECT gen_random_uuid(), $1, (($2::jsonb[])[1 + g % $5]), 1, ($3::text[])[1 + g % $5:1 + g % $5]
            FROM generate_series(1, $4) g
            """,
            PROGRAM,
            [t.profile.model_dump(mode="json") for t in templates],
            [t.slots()[0] for t in templates],
            size - have,
            len(templates),
        )
    # A pool that grew over days has been vacuumed; here, no autovacuum may compete with the timed block.
    async with database.pool.acquire() as connection:
        await connection.execute("VACUUM ANALYZE candidates")
        await connection.execute("VACUUM ANALYZE open_slots")


async def join(database: Database, newcomer: Candidate) -> int:
    async with database.transaction(INSTITUTION) as transaction:
        uow = PostgresMatchingUnitOfWork(transaction, "/bench", Cause(institution=INSTITUTION))
        return len(await register_candidate(uow, newcomer, POLICY))


async def full_recompute(database: Database, newcomer: Candidate) -> int:
    """The baseline: every open candidate of the program read, parsed and scored against the newcomer."""
    async with database.transaction(INSTITUTION) as transaction:
        rows = await transaction.connection.fetch(
            "SELECT participant_id, profile FROM candidates WHERE program_id = $1 AND used < capacity AND active "
            "AND participant_id <> $2 ORDER BY joined_seq",
            PROGRAM,
            newcomer.participant_id,
        )
        pool = [Candidate(r["participant_id"], ParticipantProfile.model_validate(r["profile"])) for r in rows]
        return len(rank_partners(newcomer, pool, POLICY, reference_week(datetime.now(UTC))))


async def rate(action, database: Database, joins: int) -> float:
    for _ in range(min(100, joins)):  # warm: connections, plans, caches (and the machine past its servers' start)
        await action(database, mentee())
    started = time.perf_counter()
    for _ in range(joins):
        await action(database, mentee())
    return joins / (time.perf_counter() - started)


async def run(endpoints: infrastructure.Endpoints, block: int) -> list[dict]:
    url = await create_database(endpoints.postgres_admin_url, "mesh_matching.migrations")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    figures = []
    try:
        templates = waiting_profiles()
        for size in POOLS:
            await grow(database, size, templates)
            indexed = await rate(join, database, block)
            baseline = await rate(full_recompute, database, max(3, block // max(1, size // 1_000)))
            figures.append(
                {
                    "figure": "join into a waiting pool",
                    "pool": size,
                    "joins_per_second": round(indexed, 1),
                    "full_recompute_joins_per_second": round(baseline, 2),
                    "ratio_to_full_recompute": round(indexed / baseline, 1),
                }
            )
        first, last = figures[0]["joins_per_second"], figures[-1]["joins_per_second"]
        figures.append({"figure": "last block / first block", "value": round(last / first, 2), "target": ">= 0.8"})
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
        started = time.perf_counter()
        proposed = await join(database, mentor)
        figures.append(
            {
                "figure": "a mentor who may fit the whole pool joins",
                "pool": POOLS[-1] + len(POOLS) * block,
                "seconds": round(time.perf_counter() - started, 2),
                "proposed": proposed,
            }
        )
    finally:
        await pool.close()
        await drop_database(endpoints.postgres_admin_url, url)
    return figures


def readable(figure: dict) -> str:
    if "pool" in figure and "joins_per_second" in figure:
        return (
            f"join into a pool of {figure['pool']:>7,} waiting: {figure['joins_per_second']:>7} joins/s "
            f"(full recompute {figure['full_recompute_joins_per_second']} joins/s, x{figure['ratio_to_full_recompute']})"
        )
    if "seconds" in figure:
        return (
            f"a mentor who may fit all {figure['pool']:,} waiting joins: {figure['seconds']} s, "
            f"{figure['proposed']} proposals (the one join that must read and score the whole pool)"
        )
    return f"{figure['figure']}: {figure['value']} (target {figure['target']})"


if __name__ == "__main__":
    with infrastructure.provide() as provided:
        results = asyncio.run(run(provided, int(sys.argv[1]) if len(sys.argv) > 1 else 300))
    for result in results:
        print(readable(result))
    for result in results:
        print(json.dumps({"benchmark": "intake", **result}))
