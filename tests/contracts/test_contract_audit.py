"""Contract tests across services.

Every record this test run put on the event topics (the end-to-end journey's services and the
integration tests' services relay real outboxes to real Kafka) must be an event of the catalogue
whose data validates against its published, closed JSON Schema; every event type a service
declares it publishes must have been seen; every event a service consumes must have a producer.
"""

import json
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from jsonschema import Draft202012Validator, FormatChecker

from mentoring_contracts import CATALOG, TOPICS, ParticipantJoined, new_envelope
from mentoring_contracts.errors import ContractError
from mentoring_contracts.schemas import schema_file_name
from mesh_runtime.db import Transaction
from tools.contracts_docs import SCHEMAS, SERVICES

pytestmark = pytest.mark.contract_audit
REQUIRED_HEADERS = {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_subject", "ce_dataschema",
                    "ce_correlationid", "ce_institution", "content-type"}


async def _everything_published(bootstrap: str) -> list:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    records = []
    try:
        partitions = [TopicPartition(t.name, p) for t in TOPICS for p in range(t.partitions)]
        existing = await consumer._client.fetch_all_metadata()
        partitions = [tp for tp in partitions if tp.topic in existing.topics()]
        if not partitions:
            return records
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {tp for tp, offset in end.items() if offset > 0}
        while remaining:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                records.extend(batch)
            remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    finally:
        await consumer.stop()
    return records


def _validators() -> dict[str, Draft202012Validator]:
    return {
        model.event_type(): Draft202012Validator(
            json.loads((SCHEMAS / schema_file_name(model)).read_text()), format_checker=FormatChecker()
        )
        for model in CATALOG
    }


async def test_every_published_record_honours_its_contract(endpoints) -> None:
    records = await _everything_published(endpoints.kafka_bootstrap)
    validators = _validators()
    seen: dict[str, int] = defaultdict(int)
    problems = []
    for record in records:
        headers = {name: value.decode() for name, value in record.headers}
        event_type = headers.get("ce_type", "<none>")
        seen[event_type] += 1
        if event_type not in validators:
            problems.append(f"{record.topic}@{record.offset}: {event_type} is described by no contract")
            continue
        if missing := REQUIRED_HEADERS - headers.keys():
            problems.append(f"{record.topic}@{record.offset}: missing headers {sorted(missing)}")
        if headers.get("ce_subject", "").encode() != record.key:
            problems.append(f"{record.topic}@{record.offset}: key is not the subject")
        errors = [e.message for e in validators[event_type].iter_errors(json.loads(record.value))]
        problems.extend(f"{record.topic}@{record.offset} {event_type}: {error}" for error in errors[:3])
    assert problems == []
    declared = {model.event_type() for service in SERVICES for model in service.publishes}
    unseen = sorted(declared - seen.keys())
    assert unseen == [], f"no test in this run produced {unseen}: run the whole suite (make test)"


def test_every_consumed_event_has_a_producer() -> None:
    produced = {model for service in SERVICES for model in service.publishes}
    for service in SERVICES:
        orphans = [model.name for model in service.consumes if model not in produced]
        assert orphans == [], f"{service.name} consumes events nobody publishes: {orphans}"


def test_a_service_cannot_emit_an_event_no_contract_describes() -> None:
    class Improvised(ParticipantJoined):
        name = "ParticipantImprovised"

    envelope = new_envelope(Improvised.model_construct(participant_id=None), source="/test")
    with pytest.raises(ContractError, match="not an event of the published catalogue"):
        import asyncio

        asyncio.run(Transaction(connection=None).emit(envelope))  # refused before touching the database
