"""mesh-deadletters: read a consumer group's dead letters, and replay them after the cause is fixed.

  mesh-deadletters list   --group matching [--bootstrap HOST:PORT] [--error-class ValueError]
  mesh-deadletters replay --group matching [--bootstrap HOST:PORT] [--error-class ValueError] [--offset N ...]

It reaches the brokers as the services do, from the same MESH_KAFKA_* settings (bootstrap servers,
TLS, SASL): run it where a service runs (``kubectl exec deploy/matching -- mesh-deadletters ...``)
and it has that service's credentials.

A dead letter is the original record, whole, with ``dlt_*`` headers saying why, from where, and when.
Replaying publishes it again to its original topic with its original key and headers (the ``dlt_*``
ones dropped), so the group reads it as new; an event it had applied after all is skipped by its
inbox, so replaying twice is harmless. The dead-letter topic is read, never changed: what was
replayed is printed with its dead-letter offset, and the same selection can be replayed again.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError

from mentoring_contracts import dead_letter_spec
from mesh_runtime.kafka_security import client_options
from mesh_runtime.settings import KafkaSettings

LOCAL_BOOTSTRAP = "127.0.0.1:19092"  # mesh-local's broker


@dataclass(frozen=True, slots=True)
class DeadLetter:
    offset: int  # in the dead-letter topic
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]  # the original record's, then the dlt_* ones

    @property
    def why(self) -> dict[str, str]:
        return {
            name.removeprefix("dlt_"): raw.decode(errors="replace")
            for name, raw in self.headers.items()
            if name.startswith("dlt_")
        }

    @property
    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(name, raw) for name, raw in self.headers.items() if not name.startswith("dlt_")]


async def read_dead_letters(bootstrap: str, group: str, **security: Any) -> list[DeadLetter]:
    """Every dead letter of the group, oldest first, without joining any consumer group."""
    spec = dead_letter_spec(group)
    topic = spec.name
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **security)
    await consumer.start()
    try:
        if topic not in await consumer.topics():  # fetches the cluster's metadata
            return []
        partitions = [TopicPartition(topic, p) for p in range(spec.partitions)]  # as the contracts make it
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                letters += [DeadLetter(r.offset, r.key, r.value, dict(r.headers or ())) for r in records]
        return sorted(letters, key=lambda letter: letter.offset)
    finally:
        await consumer.stop()


async def replay(bootstrap: str, letters: Sequence[DeadLetter], **security: Any) -> int:
    """Each to its original topic, with its original key and headers; returns how many were sent."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", **security)
    await producer.start()
    try:
        for letter in letters:
            topic = letter.why.get("original_topic")
            if not topic:
                raise ValueError(f"dead letter at offset {letter.offset} names no original topic")
            await producer.send_and_wait(topic, value=letter.value, key=letter.key, headers=letter.original_headers)
    finally:
        await producer.stop()
    return len(letters)


def select(letters: Sequence[DeadLetter], error_class: str | None, offsets: Sequence[int] | None) -> list[DeadLetter]:
    return [
        letter
        for letter in letters
        if (error_class is None or letter.why.get("error_class") == error_class) and (not offsets or letter.offset in offsets)
    ]


async def _main(args: argparse.Namespace, security: dict[str, Any]) -> int:
    chosen = select(await read_dead_letters(args.bootstrap, args.group, **security), args.error_class, args.offset)
    if args.command == "list":
        for letter in chosen:
            print(json.dumps({"offset": letter.offset, **letter.why}, sort_keys=True))
        print(f"{len(chosen)} dead letter(s) of {args.group}", file=sys.stderr)
        return 0
    sent = await replay(args.bootstrap, chosen, **security)
    for letter in chosen:
        print(json.dumps({"replayed": letter.offset, "to": letter.why.get("original_topic")}))
    print(f"replayed {sent} dead letter(s) of {args.group}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mesh-deadletters", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("list", "replay"))
    parser.add_argument("--group", required=True, help="the consumer group: a service's name (matching, notify, ...)")
    try:
        settings = KafkaSettings()  # MESH_KAFKA_*, as the services read them
    except ValidationError as error:
        parser.error("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors()))
    configured = "kafka_bootstrap_servers" in settings.model_fields_set
    parser.add_argument(
        "--bootstrap",
        default=settings.kafka_bootstrap_servers if configured else LOCAL_BOOTSTRAP,
        help=f"host:port,... (default: MESH_KAFKA_BOOTSTRAP_SERVERS, else mesh-local's {LOCAL_BOOTSTRAP})",
    )
    parser.add_argument("--error-class", help="only dead letters of this error class (dlt_error_class)")
    parser.add_argument("--offset", type=int, action="append", help="only this dead-letter offset (repeatable)")
    return asyncio.run(_main(parser.parse_args(argv), client_options(settings)))


if __name__ == "__main__":
    sys.exit(main())
