"""Outbox relay throughput: events written to the outbox, then relayed to a real Kafka.

Prints one readable line and one JSON line. Needs the test infrastructure (it starts it the way
the tests do). Usage: python -m benchmarks.outbox_relay [events]
"""

import asyncio
import json
import sys
import time
import uuid
from datetime import UTC, datetime

from mentoring_contracts import ParticipantJoined, new_envelope
from mesh_runtime.broker import batch_publisher, create_broker, ensure_topics
from mesh_runtime.db import Database, create_pool
from mesh_runtime.outbox import OutboxRelay
from tests.support import infrastructure
from tests.support.databases import create_database, drop_database
from tests.support.factories import profile


async def run(endpoints: infrastructure.Endpoints, events: int) -> dict[str, float]:
    url = await create_database(endpoints.postgres_admin_url)
    pool = await create_pool(url, max_size=4)
    broker = create_broker(endpoints.kafka_bootstrap, client_id="bench", graceful_timeout=5)
    await ensure_topics(endpoints.kafka_bootstrap, [ParticipantJoined.topic])
    await broker.connect()
    try:
        database = Database(pool)
        started = time.perf_counter()
        async with database.transaction() as transaction:
            for _ in range(events):
                event = ParticipantJoined(
                    participant_id=uuid.uuid4(), attributes=profile().attributes(), joined_at=datetime.now(UTC)
                )
                await transaction.emit(new_envelope(event, source="/bench", institution="bench-university"))
        written = time.perf_counter() - started
        relay = OutboxRelay(pool, batch_publisher(broker), dsn=url, batch_size=500)
        started = time.perf_counter()
        while await relay.relay_once():
            pass
        relayed = time.perf_counter() - started
    finally:
        await broker.stop()
        await pool.close()
        await drop_database(endpoints.postgres_admin_url, url)
    return {
        "events": events,
        "write_seconds": round(written, 3),
        "relay_seconds": round(relayed, 3),
        "relay_events_per_second": round(events / relayed, 1),
    }


if __name__ == "__main__":
    with infrastructure.provide() as provided:  # starts (and stops) the servers outside the event loop
        result = asyncio.run(run(provided, int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
    print(
        f"outbox relay: {result['events']} events written in {result['write_seconds']} s, "
        f"relayed in {result['relay_seconds']} s ({result['relay_events_per_second']} events/s)"
    )
    print(json.dumps({"benchmark": "outbox_relay", **result}))
