"""A coordinator's proposal by hand and their nudge reach both of the pair by mail, against a real SMTP
server: matching is served over real HTTP (notify reads the reasons, the note and the message there, as a
service), and the records notify consumes are the exact ones matching put in its outbox, applied once
however often they are delivered."""

import email
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from mentoring_contracts import ParticipantErased
from mentoring_contracts.topics import MATCHES
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_matching.domain.candidate import Candidate
from mesh_notify.adapters.events import on_participant_erased
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_notify.domain.notification import Contact
from mesh_runtime.consumer import EventConsumer, InboundRecord, Outcome
from mesh_runtime.db import Cause
from tests.integration.kafka_helpers import eventually
from tests.integration.matching.test_coordinator_pairs import PROGRAM, definition
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_
from tests.support.services import in_tenant, running, serving


@pytest.fixture
async def platform(endpoints, database_factory, smtp_server):
    """Matching over real HTTP with a mentor and a mentee (a program whose pairs nobody makes but its
    coordinators, here), and notify reading it, delivering to a real SMTP server."""
    controller, inbox = smtp_server
    async with serving(MATCHING, endpoints.kafka_bootstrap, await database_factory(MATCHING)) as (matching, url):
        components = matching.state.components
        people = [
            Candidate(uuid.uuid4(), mentor_profile(), subject=f"ben-{uuid.uuid4()}"),
            Candidate(uuid.uuid4(), profile(), subject=f"ada-{uuid.uuid4()}"),
        ]
        async with components.database.transaction(INSTITUTION) as transaction:
            uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION))
            await follow_program(uow, PROGRAM, definition(), datetime.now(UTC))
            for person in people:
                await register_candidate(uow, person)
        async with running(
            NOTIFY,
            endpoints.kafka_bootstrap,
            await database_factory(),
            matching_api_url=url,
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            delivery_poll_interval_seconds=0.1,
        ) as notify:
            async with httpx.AsyncClient(base_url=url, headers=as_("matching", "coordinator", campuses=("north",))) as staff:
                yield matching, staff, notify, people, inbox


def addresses(person: Candidate) -> str:
    return f"{person.profile.display_name.split()[0].lower()}@uni.example.edu"


async def know_contacts(notify_app, people: list[Candidate]) -> None:
    """As notify learns them from ParticipantJoined (profile's contact details)."""
    components = notify_app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        uow = PostgresNotifyUnitOfWork.of(transaction, Cause(institution=INSTITUTION), components)
        for person in people:
            await uow.contacts.upsert(
                Contact(
                    person.participant_id,
                    person.profile.display_name,
                    addresses(person),
                    person.profile.time_zone,
                    subject=person.subject,
                    campus="north",
                )
            )


async def record_of(matching_app, event_type: str) -> InboundRecord:
    """The last such record matching's outbox holds, as the broker hands it to notify's consumer."""
    row = await matching_app.state.components.database.pool.fetchrow(
        "SELECT key, headers, value FROM mesh_outbox WHERE event_type LIKE $1 ORDER BY id DESC LIMIT 1", f"%.{event_type}.%"
    )
    return InboundRecord(
        topic=MATCHES.name,
        partition=0,
        offset=0,
        key=bytes(row["key"]),
        headers=[(name, value.encode()) for name, value in row["headers"].items()],
        value=bytes(row["value"]),
    )


def consumer(notify_app) -> EventConsumer:
    components = notify_app.state.components
    dead: list = []

    async def dead_letter(record) -> None:
        dead.append(record)

    return EventConsumer("notify", components.database, NOTIFY.consumer_handlers(components), dead_letter)


def body(message: email.message.Message) -> str:
    return message.get_payload(decode=True).decode().replace("\r\n", "\n")


async def test_both_are_mailed_a_coordinators_proposal_and_nudge_once_each_with_their_words(platform) -> None:
    matching, staff, (notify, notify_client), (mentor, mentee), inbox = platform
    await know_contacts(notify, [mentor, mentee])
    note = "You both took Calculus I.\nStart before the midterm!"
    made = await staff.post(
        f"/programs/{PROGRAM}/matches",
        json={"participant_ids": [str(mentor.participant_id), str(mentee.participant_id)], "dry_run": False, "note": note},
    )
    assert made.status_code == 201, made.text
    match_id = made.json()["match_id"]
    arranged = await record_of(matching, "MatchArranged")
    reader = consumer(notify)
    assert await reader.process(arranged) == Outcome.PROCESSED
    assert await reader.process(arranged) == Outcome.DUPLICATE  # redelivered: nothing planned twice

    async def proposals() -> list | None:
        found = [m for m in inbox.messages if "a proposed mentoring match" in m["Subject"]]
        return found if len(found) == 2 else None

    mails = {m["To"]: m for m in await eventually(proposals, timeout=20)}
    to_mentee = mails[f'"Ada L." <{addresses(mentee)}>']
    assert to_mentee["Subject"] == "Meet Ben M.: a proposed mentoring match from your coordinator"
    text = body(to_mentee)
    assert "a coordinator of your program proposes you and Ben M. as a pair for Calculus II" in text
    assert "Their note to you both:\n  You both took Calculus I.\n  Start before the midterm!" in text
    assert "  - Calculus II: one mentors, the other is mentored" in text  # the reasons, as the pair may read them
    assert f"/matches/{match_id}/accept" in text
    assert "Meet Ada L." in mails[f'"Ben M." <{addresses(mentor)}>']["Subject"]

    for person in (mentor, mentee):
        answer = await staff.post(
            f"/matches/{match_id}/accept", json={"participant_id": str(person.participant_id)}, headers=as_("matching", "admin")
        )
        assert answer.status_code == 200
    # the mentor does not want nudges: only the mentee hears of this one
    mentor_says = as_("notify", "participant", subject=mentor.subject, campuses=("north",))
    turned_off = await notify_client.put(
        f"/participants/{mentor.participant_id}/notification-preferences",
        json={"preferences": [{"kind": "nudges", "enabled": False}]},
        headers=mentor_says,
    )
    assert turned_off.status_code == 200, turned_off.text
    nudged = await staff.post(f"/matches/{match_id}/nudge", json={"message": "How are your sessions going?"})
    assert nudged.status_code == 201, nudged.text
    nudge = await record_of(matching, "MatchNudged")
    assert await reader.process(nudge) == Outcome.PROCESSED
    assert await reader.process(nudge) == Outcome.DUPLICATE

    async def checked_in() -> list | None:
        found = [m for m in inbox.messages if "checks in" in m["Subject"]]
        return found or None

    [check_in] = await eventually(checked_in, timeout=20)
    assert check_in["To"] == f'"Ada L." <{addresses(mentee)}>'
    assert check_in["Subject"] == "Your coordinator checks in on you and Ben M."
    text = body(check_in)
    assert "a coordinator of your program is checking in on your mentoring with Ben M." in text
    assert "Their message:\n  How are your sessions going?" in text and f"/matches/{match_id}" in text
    mentors_mails = (await notify_client.get("/notifications", params={"recipient_id": str(mentor.participant_id)})).json()
    assert [(n["template"], n["status"]) for n in mentors_mails] == [("match_arranged", "sent")]  # no nudge planned
    assert len([m for m in inbox.messages if "a proposed mentoring match" in m["Subject"]]) == 2

    # Once the mentor is erased, the mentee's mails keep no coordinator's words about them either.
    components = notify.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        await on_participant_erased(
            PostgresNotifyUnitOfWork.of(transaction, Cause(institution=INSTITUTION), components),
            ParticipantErased(participant_id=mentor.participant_id, erased_at=datetime.now(UTC)),
        )
    contexts = await in_tenant(components.database).fetch(
        "SELECT template, context FROM notifications WHERE recipient_id = $1", mentee.participant_id
    )
    kept = {row["template"]: row["context"] for row in contexts}
    assert "note" not in kept["match_arranged"] and "message" not in kept["pair_nudged"]
    assert kept["match_arranged"]["reasons"] == [] and kept["match_arranged"]["topic_name"] == "Calculus II"
