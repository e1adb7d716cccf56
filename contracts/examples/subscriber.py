"""A complete, minimal external subscriber of Mentoring Mesh events.

    pip install ./contracts aiokafka
    python contracts/examples/subscriber.py --bootstrap 127.0.0.1:19092 --group campus-app

It joins its own consumer group (so it gets every event, independently of the platform's
services), starts from the beginning of history the first time, and remembers in SQLite which
event ids it has handled, so a redelivered event (at-least-once delivery) is handled once. The
offset is committed only after the events are handled and remembered.
"""

import argparse
import asyncio
import sqlite3
import sys
import time

from aiokafka import AIOKafkaConsumer

from mentoring_contracts import TOPICS, ContractError, EventEnvelope, from_kafka


class SeenEvents:
    """Event ids already handled, kept across restarts: the idempotency key is the CloudEvents id."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY)")

    def first_time(self, event_id: str) -> bool:
        return self._db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (event_id,)).rowcount == 1

    def commit(self) -> None:
        self._db.commit()


def handle(envelope: EventEnvelope) -> None:
    """Your system's reaction. Here: one line per event."""
    print(
        f"{envelope.time.isoformat()} {envelope.data.name:<26} subject={envelope.subject} correlation={envelope.correlationid}",
        flush=True,
    )


async def run(bootstrap: str, group: str, state: str, idle_seconds: float | None) -> int:
    seen = SeenEvents(state)
    consumer = AIOKafkaConsumer(
        *(topic.name for topic in TOPICS if topic.public),
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",  # a new group reads all history first
        enable_auto_commit=False,
    )
    await consumer.start()
    handled, last_activity = 0, time.monotonic()
    try:
        while idle_seconds is None or time.monotonic() - last_activity < idle_seconds:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    last_activity = time.monotonic()
                    try:
                        envelope = from_kafka(record.headers, record.value)
                    except ContractError as error:  # e.g. an event type newer than this package: skip, say so
                        print(f"skipped {record.topic}@{record.offset}: {error}", file=sys.stderr)
                        continue
                    if seen.first_time(str(envelope.id)):
                        handle(envelope)
                        handled += 1
            if batch:
                seen.commit()  # remember first, then commit offsets: a crash in between only redelivers
                await consumer.commit()
    finally:
        await consumer.stop()
    print(f"handled {handled} new events", file=sys.stderr)
    return handled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:19092", help="Kafka bootstrap servers")
    parser.add_argument("--group", default="example-subscriber", help="your own consumer group id")
    parser.add_argument("--state", default="subscriber-seen.sqlite3", help="where handled event ids are kept")
    parser.add_argument("--idle-seconds", type=float, default=None, help="stop after this long without events")
    args = parser.parse_args()
    asyncio.run(run(args.bootstrap, args.group, args.state, args.idle_seconds))


if __name__ == "__main__":
    main()
