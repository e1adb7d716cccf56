"""What exists after a run, counted in every service's store, on every topic and at the mail server;
and what should, held against it.

Topics are read from where they stood when the run began (the broker outlives runs); a record
published twice with the same event id (the outbox relay's at-least-once) is a republish, harmless
to every consumer, and counted apart from an event that really happened twice.
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from benchmarks.platform import CONSUMES, Platform, lag
from mentoring_contracts import TOPICS, dead_letter_topic
from mesh_local.config import SERVICES
from tests.chaos.load import LoadPlan

DEAD_LETTER_TOPICS = tuple(dead_letter_topic(service) for service in SERVICES)
STORES = {  # one count per row: "<what>:<kind>"
    "profile": "SELECT 'participants:' || status, count(*) FROM participants GROUP BY status "
    "UNION ALL SELECT 'erasures:' || CASE WHEN (SELECT count(*) FROM jsonb_object_keys(confirmations)) >= 3 "
    "THEN 'confirmed by all' ELSE 'unconfirmed' END, count(*) FROM erasures GROUP BY 1",
    "matching": "SELECT 'matches:' || status, count(*) FROM matches GROUP BY status",
    "scheduling": "SELECT 'sessions:' || status, count(*) FROM sessions GROUP BY status "
    "UNION ALL SELECT 'pairs', count(*) FROM pairs",
    "notify": "SELECT 'notifications:' || template || ':' || status, count(*) FROM notifications GROUP BY template, status",
}


@dataclass
class Ledger:
    stores: Counter[str] = field(default_factory=Counter)  # "<service>.<what>:<kind>" -> rows
    events: Counter[str] = field(default_factory=Counter)  # event type -> distinct events on Kafka
    republished: int = 0  # records beyond the first of an event id
    dead_letters: Counter[str] = field(default_factory=Counter)  # consumer group -> records
    mails: int = 0  # messages the SMTP server received
    mails_repeated: int = 0  # messages beyond the first of a Message-ID
    sent_without_mail: int = 0  # notifications marked sent whose Message-ID never arrived

    def outcome(self) -> Counter[str]:
        """Everything a user would call the outcome, under one name each."""
        return Counter(
            {
                **{f"store {k}": v for k, v in self.stores.items()},
                **{f"event {k}": v for k, v in self.events.items()},
                "mails received": self.mails - self.mails_repeated,
            }
        )


def expected_by_plan(plan: LoadPlan) -> Counter[str]:
    """What the plan alone says must exist, whatever happened on the way."""
    return Counter(
        {
            "store profile.participants:active": 2 * plan.pairs,
            "store profile.erasures:confirmed by all": plan.erasures,
            "store matching.matches:accepted": plan.pairs,
            "store scheduling.sessions:completed": plan.pairs,
            "event ParticipantJoined": plan.people,
            "event MatchProposed": plan.pairs,
            "event MatchAccepted": plan.pairs,
            "event SessionCompleted": plan.pairs,
            "event ParticipantErased": plan.erasures,
            "event ParticipantErasureConfirmed": 3 * plan.erasures,
        }
    )


def compare(expected: Counter[str], actual: Counter[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(lost, doubled): what is short of the expected, what is beyond it."""
    names = sorted(expected.keys() | actual.keys())
    lost = {name: expected[name] - actual[name] for name in names if actual[name] < expected[name]}
    doubled = {name: actual[name] - expected[name] for name in names if actual[name] > expected[name]}
    return lost, doubled


async def topic_positions(bootstrap: str) -> dict[TopicPartition, int]:
    """Where every event and dead-letter topic ends now: a run counts from here."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        existing = await consumer.topics()
        partitions = [TopicPartition(topic.name, p) for topic in TOPICS for p in range(topic.partitions)]
        for name in DEAD_LETTER_TOPICS:
            if name in existing:
                partitions += [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        return await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


async def count(platform: Platform, since: dict[TopicPartition, int]) -> Ledger:
    ledger = Ledger()
    for service, query in STORES.items():
        async with platform.database(service) as connection:
            ledger.stores.update({f"{service}.{what}": n for what, n in await connection.fetch(query)})
    ids: Counter[tuple[str, str]] = Counter()
    async for topic, headers in _records(platform.config.kafka_bootstrap, since):
        if topic in DEAD_LETTER_TOPICS:
            ledger.dead_letters[topic.split(".")[2]] += 1
        else:
            ids[(headers.get("ce_type", b"?").decode().rsplit(".", 2)[-2], headers.get("ce_id", b"").decode())] += 1
    ledger.events = Counter(event_type for event_type, _ in ids)
    ledger.republished = sum(ids.values()) - len(ids)
    received = platform.smtp.message_ids
    ledger.mails = sum(received.values())
    ledger.mails_repeated = ledger.mails - len(received)
    async with platform.database("notify") as connection:
        sent = {
            str(row["notification_id"])
            for row in await connection.fetch("SELECT notification_id FROM notifications WHERE status = 'sent'")
        }
    ledger.sent_without_mail = len(sent - received.keys())
    return ledger


async def _records(bootstrap: str, since: dict[TopicPartition, int]):  # type: ignore[no-untyped-def]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        existing = await consumer.topics()
        partitions = [TopicPartition(topic.name, p) for topic in TOPICS for p in range(topic.partitions)]
        partitions += [
            TopicPartition(name, p)
            for name in DEAD_LETTER_TOPICS
            if name in existing
            for p in consumer.partitions_for_topic(name) or ()
        ]
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, since.get(tp, 0))
        remaining = {tp for tp in partitions if since.get(tp, 0) < end[tp]}
        while remaining:
            for tp, records in (await consumer.getmany(*remaining, timeout_ms=1000)).items():
                for record in records:
                    if record.offset < end[tp]:
                        yield tp.topic, dict(record.headers)
            remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    finally:
        await consumer.stop()


async def settled(platform: Platform) -> bool:
    """No consumer behind, no outbox row unpublished, no mail due and unsent, every erasure confirmed."""
    bootstrap = platform.config.kafka_bootstrap
    for service in CONSUMES:
        if await lag(bootstrap, service):
            return False
    for service in SERVICES:
        if await platform.outbox_pending(service):
            return False
    async with platform.database("notify") as connection:
        if await connection.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending' AND next_attempt_at <= now()"):
            return False
    async with platform.database("profile") as connection:
        return not await connection.fetchval(
            "SELECT count(*) FROM erasures WHERE (SELECT count(*) FROM jsonb_object_keys(confirmations)) < 3"
        )


async def converge(platform: Platform, timeout: float = 600.0) -> float:
    """Seconds until the platform is settled twice in a row, a second apart."""
    started, deadline, streak = time.monotonic(), time.monotonic() + timeout, 0
    while streak < 2:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the platform did not settle in {timeout:.0f}s")
        streak = streak + 1 if await settled(platform) else 0
        await asyncio.sleep(1.0)
    return time.monotonic() - started - 2.0
