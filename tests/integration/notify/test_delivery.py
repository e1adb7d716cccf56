"""Notify against a real SMTP server (aiosmtpd): delivery, content, retry when the server is down."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import ParticipantProfileUpdated, new_envelope
from mesh_local.mailserver import NO_MAIL_DOMAIN
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.bootstrap import DEFINITION
from mesh_notify.domain.notification import Contact
from mesh_runtime.db import Cause
from tests.integration.kafka_helpers import eventually
from tests.integration.notify.conftest import free_port
from tests.support.factories import joined, profile
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, outbox_types, running


async def plan_welcome(app) -> uuid.UUID:
    event = joined()
    envelope = new_envelope(event, source="/test", institution=INSTITUTION)
    contact = Contact(event.participant_id, "Ada L.", "ada.l@uni.example.edu", "Europe/Berlin", campus="north")
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        await plan_notifications(PostgresNotifyUnitOfWork.of(transaction, Cause.of(envelope), components), event, contact)
    return event.participant_id


async def test_a_welcome_mail_reaches_the_smtp_server_and_the_delivery_is_an_event(
    endpoints, database_factory, smtp_server
) -> None:
    controller, inbox = smtp_server
    settings = {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "delivery_poll_interval_seconds": 0.1}
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings) as (app, client):
        participant = await plan_welcome(app)

        async def sent() -> list:
            found = (await client.get("/notifications", params={"recipient_id": str(participant)})).json()
            return [n for n in found if n["status"] == "sent"]

        delivered = await eventually(sent, timeout=15)
        assert len(delivered) == 1
        assert await outbox_types(app) == ["NotificationSent"]
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["Subject"] == "Welcome to first-year-stem"
    assert mail["Message-ID"] == f"<{delivered[0]['notification_id']}@mentoring-mesh>"
    assert "Hello Ada L." in mail.get_payload(decode=True).decode()


async def test_mail_waits_and_retries_while_the_smtp_server_is_down(endpoints, database_factory) -> None:
    settings = {
        "smtp_host": "127.0.0.1",
        "smtp_port": free_port(),
        "delivery_poll_interval_seconds": 0.1,
        "smtp_timeout_seconds": 2,
    }
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings) as (app, client):
        participant = await plan_welcome(app)

        async def attempted() -> list:
            found = (await client.get("/notifications", params={"recipient_id": str(participant)})).json()
            return [n for n in found if n["attempts"] >= 1]

        failed = await eventually(attempted, timeout=15)
        assert failed[0]["status"] == "pending"  # kept, to be retried after a pause
        assert failed[0]["last_error"]
        assert await outbox_types(app) == []


async def test_giving_up_after_the_last_attempt_is_announced(endpoints, database_factory) -> None:
    from mesh_notify.domain.notification import MAX_ATTEMPTS

    settings = {
        "smtp_host": "127.0.0.1",
        "smtp_port": free_port(),
        "delivery_poll_interval_seconds": 0.1,
        "smtp_timeout_seconds": 2,
    }
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings) as (app, client):
        participant = await plan_welcome(app)
        # As if every attempt but the last had already failed.
        await in_tenant(app.state.components.database).execute(
            "UPDATE notifications SET attempts = $1, next_attempt_at = now()", MAX_ATTEMPTS - 1
        )

        async def given_up() -> list:
            found = (await client.get("/notifications", params={"recipient_id": str(participant)})).json()
            return [n for n in found if n["status"] == "failed"]

        failed = await eventually(given_up, timeout=15)
        assert failed[0]["attempts"] == MAX_ATTEMPTS
        assert await outbox_types(app) == ["NotificationFailed"]


async def test_a_new_address_the_mail_server_refuses_for_good_is_given_up_at_once_and_announced(
    endpoints, database_factory, smtp_server
) -> None:
    controller, inbox = smtp_server
    settings = {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "delivery_poll_interval_seconds": 0.1}
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings) as (app, client):
        participant = await plan_welcome(app)
        assert await eventually(lambda: outbox_types(app), timeout=15) == ["NotificationSent"]  # the welcome went out
        moved = ParticipantProfileUpdated(
            participant_id=participant, attributes=profile().attributes(), updated_at=datetime.now(UTC)
        )
        envelope = new_envelope(moved, source="/test", institution=INSTITUTION)
        typo = Contact(participant, "Ada L.", f"ada.l@{NO_MAIL_DOMAIN}", "Europe/Berlin", campus="north")
        components = app.state.components
        async with components.database.transaction(INSTITUTION) as transaction:
            await plan_notifications(PostgresNotifyUnitOfWork.of(transaction, Cause.of(envelope), components), moved, typo)

        async def settled() -> dict | None:
            found = {
                n["template"]: n for n in (await client.get("/notifications", params={"recipient_id": str(participant)})).json()
            }
            return found if {n["status"] for n in found.values()} <= {"sent", "failed"} and len(found) == 3 else None

        found = await eventually(settled, timeout=15)
        assert found is not None and found["email_changed"]["status"] == "failed"
        assert found["email_changed"]["attempts"] == 1 and "550" in found["email_changed"]["last_error"]
        assert "ada.l@" not in found["email_changed"]["last_error"]  # NotificationFailed carries no address
        assert found["email_changed_away"]["status"] == "sent"  # the old address hears of it, without the new one
        assert sorted(await outbox_types(app)) == ["NotificationFailed", "NotificationSent", "NotificationSent"]
    assert [(m["Subject"], m["To"]) for m in inbox.messages] == [
        ("Welcome to first-year-stem", '"Ada L." <ada.l@uni.example.edu>'),
        ("Your Mentoring Mesh mail goes to another address now", '"Ada L." <ada.l@uni.example.edu>'),
    ]
    assert NO_MAIL_DOMAIN not in inbox.messages[1].get_payload(decode=True).decode()
