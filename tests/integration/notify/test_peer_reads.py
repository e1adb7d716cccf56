"""Notify reads its peers once per batch, not once per event: a batch of joins and proposals asks
profile for the joiners' contacts in one call and matching for the proposals' reasons in another
(both served over real HTTP, read with notify's own service token), before the batch's transaction;
the records are the exact ones profile and matching put in their outboxes."""

import dataclasses
import uuid

import httpx
import pytest

from mentoring_contracts.topics import MATCHES, PARTICIPANTS
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_matching.domain.candidate import Candidate
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.components import Components
from mesh_runtime.consumer import EventConsumer, InboundRecord, Outcome
from tests.integration.identity.test_service_reads import join
from tests.integration.matching.support import in_transaction
from tests.support.factories import mentor_profile, profile
from tests.support.programs import create_programs
from tests.support.services import in_tenant, running, serving

WITHOUT_WORKERS = dataclasses.replace(NOTIFY, workers=lambda _: [])  # no delivery racing the test


@pytest.fixture
async def profile_served(endpoints, database_factory):
    """Profile over real HTTP, with the program the people join: (app, url)."""
    async with serving(PROFILE, endpoints.kafka_bootstrap, await database_factory(PROFILE)) as served:
        async with httpx.AsyncClient(base_url=served[1]) as client:
            await create_programs(client, "first-year-stem")
        yield served


async def requests_made(components: Components) -> list[str]:
    """Every request the service makes of its peers from now on, as ``METHOD /path``."""
    client = await components.identity.client()  # its token fetched now: what follows are reads alone
    made: list[str] = []

    async def note(request: httpx.Request) -> None:
        made.append(f"{request.method} {request.url.path}")

    client.event_hooks["request"].append(note)
    return made


async def outbox_records(app, event_type: str, topic: str) -> list[InboundRecord]:
    """What a service's outbox holds of ``event_type``, as the broker hands it to a consumer."""
    rows = await app.state.components.database.pool.fetch(
        "SELECT key, headers, value FROM mesh_outbox WHERE event_type LIKE $1 ORDER BY id", f"%.{event_type}.%"
    )
    return [
        InboundRecord(
            topic=topic,
            partition=0,
            offset=offset,
            key=bytes(row["key"]),
            headers=[(name, value.encode()) for name, value in row["headers"].items()],
            value=bytes(row["value"]),
        )
        for offset, row in enumerate(rows)
    ]


async def test_a_batch_of_joins_and_proposals_reads_each_peer_once(endpoints, database_factory, profile_served) -> None:
    profile_app, profile_url = profile_served
    given = [
        each
        for _ in range(3)
        for each in (mentor_profile(mentor_capacity=1, goals=["pass the final exam"]), profile(goals=["pass the final exam"]))
    ]
    people = [Candidate(uuid.UUID(await join(profile_url, each)), each, f"sub-{uuid.uuid4()}") for each in given]
    async with serving(MATCHING, endpoints.kafka_bootstrap, await database_factory(MATCHING)) as (matching, matching_url):
        for person in people:  # matching heard of them as they joined, and proposed pairs
            await in_transaction(matching, lambda uow, person=person: register_candidate(uow, person))
        joins = await outbox_records(profile_app, "ParticipantJoined", PARTICIPANTS.name)
        proposals = await outbox_records(matching, "MatchProposed", MATCHES.name)
        assert len(joins) == len(people) and proposals
        async with running(
            WITHOUT_WORKERS,
            endpoints.kafka_bootstrap,
            await database_factory(NOTIFY),
            profile_api_url=profile_url,
            matching_api_url=matching_url,
        ) as (notify, _):
            components = notify.state.components
            made = await requests_made(components)
            dead: list = []

            async def dead_letter(record) -> None:
                dead.append(record)

            handlers = NOTIFY.consumer_handlers(components)
            consumer = EventConsumer("notify", components.database, handlers, dead_letter, prefetch=NOTIFY.prefetch(components))
            outcomes = await consumer.process_batch([*joins, *proposals])
            assert outcomes == [Outcome.PROCESSED] * (len(joins) + len(proposals)) and not dead
            assert made == ["POST /participants/contacts", "POST /matches/lookup"]  # no GET per event
            planned = await in_tenant(components.database).fetch("SELECT template, context FROM notifications")
    assert sum(row["template"] == "welcome" for row in planned) == len(people)
    proposed = [row["context"] for row in planned if row["template"] == "match_proposed"]
    assert len(proposed) == 2 * len(proposals)
    assert all(any("pass the final exam" in reason for reason in context["reasons"]) for context in proposed)
