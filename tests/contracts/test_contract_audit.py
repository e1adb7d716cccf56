"""Contract tests across services.

Every record this test run put on the event topics (the end-to-end journey's services and the
integration tests' services relay real outboxes to real Kafka) must be an event of the catalogue
whose data validates against its published, closed JSON Schema; every event type a service
declares it publishes must have been seen; every event a service consumes must have a producer.
"""

import json
from collections import defaultdict

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from mentoring_contracts import CATALOG, TOPICS, ParticipantJoined, new_envelope
from mentoring_contracts.errors import ContractError
from mentoring_contracts.schemas import schema_file_name
from mesh_runtime.db import Transaction
from mesh_runtime.registry import service_definitions
from tests.integration.kafka_helpers import read_to_end
from tools.contracts_docs import SCHEMAS

pytestmark = pytest.mark.contract_audit
REQUIRED_HEADERS = {
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_specversion",
    "ce_time",
    "ce_subject",
    "ce_dataschema",
    "ce_correlationid",
    "ce_institution",
    "content-type",
}


def _validators() -> dict[str, Draft202012Validator]:
    return {
        model.event_type(): Draft202012Validator(
            json.loads((SCHEMAS / schema_file_name(model)).read_text()), format_checker=FormatChecker()
        )
        for model in CATALOG
    }


async def test_every_published_record_honours_its_contract(endpoints) -> None:
    records = await read_to_end(endpoints.kafka_bootstrap, [topic.name for topic in TOPICS])
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
    declared = {model.event_type() for service in service_definitions() for model in service.publishes}
    unseen = sorted(declared - seen.keys())
    assert unseen == [], f"no test in this run produced {unseen}: run the whole suite (make test)"


def test_every_event_of_the_catalogue_has_a_producer() -> None:
    """The catalogue promises nothing no service emits: every current event type is some service's to
    publish (and the audit above requires each to have been seen on Kafka in the run)."""
    produced = {model for service in service_definitions() for model in service.publishes}
    unproduced = sorted(model.event_type() for model in CATALOG if not model.retired and model not in produced)
    assert unproduced == [], f"catalogued events no service emits: {unproduced}"


def test_every_consumed_event_has_a_producer() -> None:
    """Retired versions have none (they come from history); every other consumed event has one."""
    produced = {model for service in service_definitions() for model in service.publishes}
    for service in service_definitions():
        orphans = [model.event_type() for model in service.consumes if model not in produced and not model.retired]
        assert orphans == [], f"{service.name} consumes events nobody publishes: {orphans}"
        assert not [model for model in service.publishes if model.retired], f"{service.name} declares a retired event"


def test_a_retired_event_is_read_but_never_written() -> None:
    import asyncio
    import uuid
    from datetime import UTC, datetime

    from mentoring_contracts import ParticipantLeftV1

    event = ParticipantLeftV1(participant_id=uuid.uuid4(), program_id="p", reason="my words", left_at=datetime.now(UTC))
    envelope = new_envelope(event, source="/test", institution="u")
    with pytest.raises(ContractError, match="retired"):
        asyncio.run(Transaction(connection=None).emit(envelope))  # type: ignore[arg-type]


def test_a_service_cannot_emit_an_event_no_contract_describes() -> None:
    class Improvised(ParticipantJoined):
        name = "ParticipantImprovised"

    envelope = new_envelope(Improvised.model_construct(participant_id=None), source="/test")
    with pytest.raises(ContractError, match="not an event of the published catalogue"):
        import asyncio

        asyncio.run(Transaction(connection=None).emit(envelope))  # refused before touching the database
