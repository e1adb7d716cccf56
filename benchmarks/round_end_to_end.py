"""A coordinator's round over a 100,000-person pool, end to end: the API call, the pool loaded from
matching's store, the plan, every proposal written with its outbox row, and the last MatchProposed
published to the real Kafka by the outbox relay.

Prints a readable line and a JSON line. Usage: python -m benchmarks.round_end_to_end [pool]
"""

import asyncio
import json
import sys
import time

from benchmarks.matching_rounds import pool
from mesh_matching.bootstrap import DEFINITION
from tests.support import infrastructure
from tests.support.databases import create_database, drop_database
from tests.support.identity import INSTITUTION
from tests.support.services import running

PROGRAM = "bench"  # the program of benchmarks.matching_rounds.pool
TARGET_SECONDS = 10  # issue 32: the API call to the last proposal on Kafka


async def load(database, size: int) -> None:
    """The pool `make bench-matching` solves in memory (every person different), straight into the
    store as if they had joined before."""
    people = pool("mentor_mentee", size)
    async with database.transaction(INSTITUTION) as transaction:
        await transaction.connection.executemany(
            "INSERT INTO candidates (participant_id, program_id, profile, capacity, slots) VALUES ($1, $2, $3, $4, $5)",
            [(c.participant_id, PROGRAM, c.profile.model_dump(mode="json"), c.capacity, c.slots()) for c in people],
        )
    async with database.pool.acquire() as connection:
        await connection.execute("VACUUM ANALYZE candidates")


async def relayed(database, timeout: float = 900) -> None:
    """Until the outbox relay has published every row (it polls, and NOTIFY wakes it)."""
    for _ in range(int(timeout / 0.2)):
        if not await database.pool.fetchval("SELECT count(*) FROM mesh_outbox WHERE published_at IS NULL"):
            return
        await asyncio.sleep(0.2)
    raise TimeoutError("the outbox was not relayed in time")


async def run(endpoints: infrastructure.Endpoints, size: int) -> dict:
    url = await create_database(endpoints.postgres_admin_url, "mesh_matching.migrations")
    try:
        async with running(DEFINITION, endpoints.kafka_bootstrap, url, outbox_poll_interval_seconds=0.2) as (app, client):
            database = app.state.components.database
            await load(database, size)
            started = time.perf_counter()
            response = await client.post(f"/programs/{PROGRAM}/rounds", json={"dry_run": False}, timeout=600)
            answered = time.perf_counter() - started
            assert response.status_code == 200, response.text
            report = response.json()
            await relayed(database)
            published = time.perf_counter() - started
            on_kafka = await database.pool.fetchval("SELECT count(*) FROM mesh_outbox WHERE event_type LIKE '%MatchProposed%'")
    finally:
        await drop_database(endpoints.postgres_admin_url, url)
    return {
        "pool": size,
        "pairs": report["pairs"],
        "published": on_kafka,
        "answered_seconds": round(answered, 1),
        "last_proposal_on_kafka_seconds": round(published, 1),
        "target_seconds": TARGET_SECONDS,
    }


if __name__ == "__main__":
    with infrastructure.provide() as provided:
        result = asyncio.run(run(provided, int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
    print(
        f"round over {result['pool']:,} people through the API: answered in {result['answered_seconds']} s, "
        f"{result['published']:,} proposals on Kafka after {result['last_proposal_on_kafka_seconds']} s "
        f"(target {TARGET_SECONDS} s)"
    )
    print(json.dumps({"benchmark": "round_end_to_end", **result}))
