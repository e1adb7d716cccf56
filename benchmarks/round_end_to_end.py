"""A coordinator's round over a 100,000-person pool, end to end: the API call, the pool loaded from
matching's store, the plan, every proposal written with its outbox row, and the last MatchProposed
published to the real Kafka by the outbox relay.

Prints a readable line and a JSON line. Usage: python -m benchmarks.round_end_to_end [pool]
"""

import asyncio
import json
import sys
import time
import uuid

from mentoring_contracts import ParticipantProfile
from mesh_local.cohort import demo_cohort
from mesh_matching.bootstrap import DEFINITION
from mesh_matching.domain.candidate import Candidate
from tests.support import infrastructure
from tests.support.databases import create_database, drop_database
from tests.support.identity import INSTITUTION
from tests.support.services import running

PROGRAM = "first-year-stem"
TARGET_SECONDS = 30


async def load(database, size: int) -> None:
    """A real-looking pool (the demo cohort's mix of mentors, mentees and peers), a thousand different
    profiles, straight into the store."""
    templates = [Candidate(uuid.uuid4(), ParticipantProfile.model_validate(p)) for p in demo_cohort(1_000, seed=5, program_id=PROGRAM)]
    async with database.transaction(INSTITUTION) as transaction:
        await transaction.connection.execute(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, slots)
            SELECT gen_random_uuid(), $1, ($2::jsonb[])[1 + g % $5], ($3::int[])[1 + g % $5],
                   string_to_array(($4::text[])[1 + g % $5], ',')
            FROM generate_series(1, $6) g
            """, PROGRAM, [t.profile.model_dump(mode="json") for t in templates], [t.capacity for t in templates],
            [",".join(t.slots()) for t in templates], len(templates), size)
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
    return {"pool": size, "pairs": report["pairs"], "published": on_kafka, "answered_seconds": round(answered, 1), "last_proposal_on_kafka_seconds": round(published, 1),
            "target_seconds": TARGET_SECONDS}


if __name__ == "__main__":
    with infrastructure.provide() as provided:
        result = asyncio.run(run(provided, int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
    print(f"round over {result['pool']:,} people through the API: answered in {result['answered_seconds']} s, "
          f"{result['published']:,} proposals on Kafka after {result['last_proposal_on_kafka_seconds']} s "
          f"(target {TARGET_SECONDS} s)")
    print(json.dumps({"benchmark": "round_end_to_end", **result}))
