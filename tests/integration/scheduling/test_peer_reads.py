"""Scheduling reads its peer once per batch, not once per event: a batch of acceptances asks profile
(served over real HTTP, read with scheduling's own service token) for both members' accounts of every
pair in one call, before the batch's transaction, and each pair's sessions are then theirs."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from mentoring_contracts import MatchAccepted, new_envelope, service_source, to_kafka
from mentoring_contracts.topics import MATCHES
from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.components import Components
from mesh_runtime.consumer import EventConsumer, InboundRecord, Outcome
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.integration.identity.test_service_reads import join
from tests.support.factories import profile
from tests.support.identity import INSTITUTION, as_
from tests.support.pairs import member
from tests.support.programs import create_programs
from tests.support.services import in_tenant, running, serving


@pytest.fixture
async def profile_url(endpoints, database_factory):
    """Profile over real HTTP, with the program the pairs are of."""
    async with serving(PROFILE, endpoints.kafka_bootstrap, await database_factory(PROFILE)) as (_, url):
        async with httpx.AsyncClient(base_url=url) as client:
            await create_programs(client, "first-year-stem")
        yield url


async def requests_made(components: Components) -> list[str]:
    """Every request the service makes of its peers from now on, as ``METHOD /path``."""
    client = await components.identity.client()  # its token fetched now: what follows are reads alone
    made: list[str] = []

    async def note(request: httpx.Request) -> None:
        made.append(f"{request.method} {request.url.path}")

    client.event_hooks["request"].append(note)
    return made


def consumer(components: Components) -> EventConsumer:
    """Scheduling's consumer as the runtime builds it (its prefetch included), handed batches directly."""

    async def dead_letter(record) -> None:
        raise AssertionError(f"dead-lettered: {record.headers}")

    handlers = SCHEDULING.consumer_handlers(components)
    return EventConsumer("scheduling", components.database, handlers, dead_letter, prefetch=SCHEDULING.prefetch(components))


def as_record(event, offset: int) -> InboundRecord:
    record = to_kafka(new_envelope(event, source=service_source("matching"), institution=INSTITUTION))
    headers = [(name, value.encode()) for name, value in record.headers.items()]
    return InboundRecord(topic=MATCHES.name, partition=0, offset=offset, key=record.key, headers=headers, value=record.value)


async def test_a_batch_of_acceptances_reads_every_members_account_in_one_call(endpoints, database_factory, profile_url) -> None:
    people = [uuid.UUID(await join(profile_url, profile())) for _ in range(8)]
    pairs = [
        MatchAccepted(
            match_id=uuid.uuid4(),
            program_id="first-year-stem",
            topic_name="Calculus II",
            kind="peer",
            participants=[member(participant_id=a), member(participant_id=b)],
            accepted_at=datetime.now(UTC),
        )
        for a, b in zip(people[::2], people[1::2], strict=True)
    ]
    async with running(
        SCHEDULING, endpoints.kafka_bootstrap, await database_factory(SCHEDULING), profile_api_url=profile_url
    ) as (
        app,
        _,
    ):
        components = app.state.components
        made = await requests_made(components)
        outcomes = await consumer(components).process_batch([as_record(pair, offset) for offset, pair in enumerate(pairs)])
        assert outcomes == [Outcome.PROCESSED] * len(pairs)
        assert made == ["POST /participants/contacts"]  # one call for the batch's 8 members; no GET per event
        held = await in_tenant(components.database).fetch(
            "SELECT m->>'participant_id' AS participant_id, m->>'subject' AS subject FROM pairs, jsonb_array_elements(members) m"
        )
    async with httpx.AsyncClient(base_url=profile_url, headers=as_("profile", "admin")) as client:
        accounts = {str(p): (await client.get(f"/participants/{p}/contact")).json()["subject"] for p in people}
    assert {row["participant_id"]: row["subject"] for row in held} == accounts  # each pair's sessions are its members'
