"""The platform's event pipeline, measured in one run on real Kafka and PostgreSQL: the four services
as processes, people joining through profile's HTTP API with their own tokens.

1. Joins through the whole platform (HTTP join, profile, Kafka, matching; notify welcomes each) into
   one growing pool of waiting mentees, a block at pools of 1k, 10k and 100k (the pool between
   blocks is copied in with set-based inserts into profile's and matching's stores).
2. Latency at a steady 100 joins/s, and at 50 (benchmarks.pipeline_latency).
3. Each service's pipeline (consume, effects + inbox + outbox, publish) draining a backlog, next to
   raw aiokafka producing and consuming the same records on the same broker.
4. RSS of each service, idle and after the run; then the 100k round (benchmarks.round_end_to_end).

Prints one readable line and one JSON line per figure, each with its target.
Usage: python -m benchmarks.pipeline [block]
"""

import asyncio
import sys
import time
import uuid

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from benchmarks import round_end_to_end
from benchmarks.pipeline_latency import latency
from benchmarks.platform import CONCURRENCY, Platform, figure, join_all, lag, lagless, person_token, platform, until
from mentoring_contracts import ParticipantJoined
from mesh_local.config import SERVICES
from tests.integration.kafka_helpers import create_topic, read_to_end
from tests.support import infrastructure
from tests.support.factories import mentor_profile, profile


async def intake(running: Platform, http, block: int) -> None:
    program = "bench-intake"
    mentees = lambda n: [profile(program_id=program, goals=[f"goal {uuid.uuid4().hex[:6]}"]) for _ in range(n)]
    await join_all(http, running, mentees(200))  # warm-up, and the templates the pool is copied from
    await until(lambda: _count(running.inbox_count("matching", "ParticipantJoined"), 200))
    rates = {}
    for pool in (1_000, 10_000, 100_000):
        await grow(running, program, pool)
        joined_before = await running.inbox_count("matching", "ParticipantJoined")
        people = mentees(block)
        started = time.monotonic()
        await join_all(http, running, people)
        answered = time.monotonic() - started
        wanted = joined_before + block
        done = await until(lambda wanted=wanted: _count(running.inbox_count("matching", "ParticipantJoined"), wanted))
        rates[pool] = block / (done - started)
        figure(
            f"joins_per_second_pool_{pool}",
            f"joins through the platform at a pool of {pool:,}: {rates[pool]:.0f} joins/s "
            f"({block} joins; profile answered them at {block / answered:.0f}/s) (target at least 100/s)",
            pool=pool,
            joins=block,
            joins_per_second=round(rates[pool], 1),
            http_per_second=round(block / answered, 1),
            target_joins_per_second=100,
        )
    ratio = rates[100_000] / rates[1_000]
    figure(
        "joins_last_to_first_block",
        f"last block / first block: {ratio:.2f} (target at least 0.80)",
        ratio=round(ratio, 3),
        target_ratio=0.8,
    )


async def grow(running: Platform, program: str, size: int) -> None:
    """Waiting mentees copied in as if they had joined before: profile's rows and matching's, the
    ids new, the profiles those of the warm-up block."""
    async with running.database("matching") as connection:
        have = await connection.fetchval("SELECT count(*) FROM candidates WHERE program_id = $1", program)
        templates = await connection.fetch("SELECT profile, slots FROM candidates WHERE program_id = $1 LIMIT 200", program)
        await connection.execute(
            """
            INSERT INTO candidates (participant_id, program_id, profile, capacity, slots, subject)
            SELECT gen_random_uuid(), $1, ($2::jsonb[])[1 + g % $4], 1, $3::text[], gen_random_uuid()::text
            FROM generate_series(1, $5) g
            """,
            program,
            [row["profile"] for row in templates],
            templates[0]["slots"],
            len(templates),
            size - have,
        )
    async with running.database("profile") as connection:
        await connection.execute(
            """
            INSERT INTO participants (participant_id, program_id, email_key, profile, joined_at, status, campus, subject)
            SELECT gen_random_uuid(), $1, md5(random()::text), ($2::jsonb[])[1 + g % $3], now(), 'active', 'north',
                   gen_random_uuid()::text
            FROM generate_series(1, $4) g
            """,
            program,
            [row["profile"] for row in templates],
            len(templates),
            size - have,
        )
    await running.vacuum("matching", "candidates", "open_slots")  # a pool that grew over days has been vacuumed
    await running.vacuum("profile", "participants")


async def pipelines(running: Platform, http, bootstrap: str, backlog: int) -> None:
    """Each consuming service stopped while its backlog builds, then started and timed to lag 0."""
    program = "bench-pipeline"
    mentors = await join_all(
        http, running, [mentor_profile(program_id=program, mentor_capacity=3) for _ in range(backlog // 3 + 1)]
    )
    subjects = dict(mentors)
    await until(lambda: lagless(bootstrap, "matching"))
    await until(lambda: lagless(bootstrap, "notify"))
    running.stop("matching")
    running.stop("notify")
    started = time.monotonic()
    mentees = await join_all(http, running, [profile(program_id=program) for _ in range(backlog)])
    subjects |= dict(mentees)
    done = await until(lambda: _count(running.outbox_pending("profile"), 0))
    rates = {"profile": backlog / (done - started)}
    raw = await raw_kafka(bootstrap, backlog)
    figure(
        "raw_aiokafka_events_per_second",
        f"raw aiokafka, the same {backlog} ParticipantJoined records produced and "
        f"consumed on the same broker: {raw:.0f} events/s",
        events_per_second=round(raw, 1),
        events=backlog,
    )
    rates["matching"] = await drain(running, bootstrap, "matching")
    running.stop("scheduling")
    async with running.database("matching") as connection:
        proposed = await connection.fetch(
            "SELECT match_id, participant_a, participant_b FROM matches WHERE program_id = $1", program
        )
    gate = asyncio.Semaphore(CONCURRENCY)

    async def accept(match_id, pid) -> None:
        async with gate:
            response = await http.post(
                f"{running.url('matching')}/matches/{match_id}/accept",
                json={"participant_id": str(pid)},
                headers=person_token("matching", subjects[str(pid)]),
            )
            response.raise_for_status()

    await asyncio.gather(*(accept(row["match_id"], row["participant_a"]) for row in proposed))
    await asyncio.gather(*(accept(row["match_id"], row["participant_b"]) for row in proposed))
    await until(lambda: _count(running.outbox_pending("matching"), 0))
    rates["scheduling"] = await drain(running, bootstrap, "scheduling")
    rates["notify"] = await drain(running, bootstrap, "notify")
    what = {
        "profile": "HTTP join, row + outbox, publish",
        "matching": "ParticipantJoined to MatchProposed published",
        "scheduling": "MatchAccepted to SessionScheduled published",
        "notify": "every event, mails to SMTP",
    }
    for service, rate in rates.items():
        figure(
            f"pipeline_{service}",
            f"{service} pipeline ({what[service]}): {rate:.0f} events/s = {rate / raw:.1%} of raw "
            f"aiokafka (target at least 25 %)",
            service=service,
            events_per_second=round(rate, 1),
            ratio_to_raw=round(rate / raw, 4),
            target_ratio=0.25,
        )


async def drain(running: Platform, bootstrap: str, service: str) -> float:
    """Start the service on its backlog; events/s from its first record consumed to lag 0 and outbox empty."""
    backlog = await lag(bootstrap, service)
    before = await running.inbox_count(service)
    running.start(service)
    first = await until(lambda: _more(running.inbox_count(service), before), interval=0.01)
    done = await until(lambda: _drained(running, bootstrap, service))
    return backlog / (done - first)


async def raw_kafka(bootstrap: str, count: int) -> float:
    """The same ParticipantJoined records, produced (acks=all, idempotent) and consumed by plain aiokafka
    in a consumer group; timed from the first send to the last record received and committed, the
    consumer already in its group (as the services are when they drain)."""
    records = [r for r in await read_to_end(bootstrap, [ParticipantJoined.topic.name])][-count:]
    topic = await create_topic(bootstrap, f"bench.raw.{uuid.uuid4().hex[:8]}", ParticipantJoined.topic.partitions)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=topic, auto_offset_reset="earliest")
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        started = time.monotonic()
        sends = [await producer.send(topic, r.value, key=r.key, headers=list(r.headers)) for r in records]
        received = 0
        while received < len(records):
            batch = await consumer.getmany(timeout_ms=1000)
            received += sum(len(part) for part in batch.values())
        await asyncio.gather(*sends)
        await consumer.commit()
        return len(records) / (time.monotonic() - started)
    finally:
        await consumer.stop()
        await producer.stop()


async def _count(value, expected) -> bool:
    return (await value) >= expected


async def _more(value, than) -> bool:
    return (await value) > than


async def _drained(running: Platform, bootstrap: str, service: str) -> bool:
    return await lag(bootstrap, service) == 0 and await running.outbox_pending(service) == 0


async def main(endpoints, block: int) -> None:
    async with platform(endpoints) as running, httpx.AsyncClient(timeout=60) as http:
        await asyncio.sleep(5)
        idle = running.rss_mb()
        await intake(running, http, block)
        for rate in (100, 50):  # the target's rate, and half of it
            await latency(running, http, endpoints.kafka_bootstrap, rate)
        busy = running.rss_mb()
        await pipelines(running, http, endpoints.kafka_bootstrap, backlog=2 * block)
        after = {s: max(busy[s], now) for s, now in running.rss_mb().items()}
        for service in SERVICES:
            figure(
                f"rss_{service}",
                f"{service} RSS: {idle[service]:.0f} MB idle, {after[service]:.0f} MB after the run (targets 150 MB and 300 MB)",
                service=service,
                idle_mb=idle[service],
                after_mb=after[service],
                target_idle_mb=150,
                target_after_mb=300,
            )
        async with running.database("notify") as connection:  # delivery runs behind consumption: not awaited
            counts = dict(await connection.fetch("SELECT status, count(*) FROM notifications GROUP BY status"))
            first, last = await connection.fetchrow(
                "SELECT min(created_at), max(updated_at) FROM notifications WHERE status = 'sent'"
            )
        rate = counts.get("sent", 0) / max((last - first).total_seconds(), 1) if first else 0.0
        figure(
            "mails",
            f"mails: the SMTP server received {running.smtp.received}; notify sent {counts.get('sent', 0)} "
            f"at {rate:.0f}/s, {counts.get('pending', 0)} still pending at the end, {counts.get('failed', 0)} failed",
            received=running.smtp.received,
            sent=counts.get("sent", 0),
            pending=counts.get("pending", 0),
            failed=counts.get("failed", 0),
            sent_per_second=round(rate, 1),
        )
    result = await round_end_to_end.run(endpoints, 100_000)
    figure(
        "round_100k_end_to_end_seconds",
        f"round over {result['pool']:,} people through the API: "
        f"{result['published']:,} proposals, last on Kafka after {result['last_proposal_on_kafka_seconds']} s "
        f"(target under {round_end_to_end.TARGET_SECONDS} s)",
        **result,
    )


if __name__ == "__main__":
    with infrastructure.provide() as provided:
        asyncio.run(main(provided, int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
