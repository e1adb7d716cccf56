"""A burst of mail against a real SMTP server (aiosmtpd): senders side by side over kept
connections, every mail once; and how the mailer treats its connections."""

import asyncio
import uuid

import pytest
from aiosmtpd.controller import Controller

from mentoring_contracts import new_envelope
from mesh_local.mailserver import NO_MAIL_DOMAIN
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.application.ports import RefusedForGood
from mesh_notify.bootstrap import DEFINITION
from mesh_notify.domain.messages import Message
from mesh_notify.domain.notification import Contact
from mesh_notify.settings import NotifySettings
from mesh_runtime.db import Cause
from tests.integration.kafka_helpers import eventually
from tests.integration.notify.conftest import Inbox, free_port, serving
from tests.support.factories import joined
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, running


class WatchingInbox(Inbox):
    """Also notes which connection each mail came over and how many were being received at once
    (each takes a little while, as a real server's would)."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[tuple[str, int]] = []
        self.in_flight = self.most_in_flight = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.peers.append(session.peer)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.02)
            return await super().handle_DATA(server, session, envelope)
        finally:
            self.in_flight -= 1


@pytest.fixture
def watched_server():
    inbox = WatchingInbox()
    with serving(inbox) as controller:
        yield controller, inbox


async def test_a_burst_goes_out_through_several_senders_over_kept_connections_each_mail_once(
    endpoints, database_factory, watched_server
) -> None:
    controller, inbox = watched_server
    burst = 40
    settings = {
        "smtp_host": "127.0.0.1",
        "smtp_port": controller.port,
        "delivery_poll_interval_seconds": 0.1,
        "delivery_concurrency": 4,
    }
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings) as (app, _):
        components = app.state.components
        async with components.database.transaction(INSTITUTION) as transaction:  # all due at once
            for i in range(burst):
                event = joined()
                envelope = new_envelope(event, source="/test", institution=INSTITUTION)
                contact = Contact(event.participant_id, f"Person {i}", f"p{i}@uni.example.edu", "Europe/Berlin", campus="north")
                await plan_notifications(
                    PostgresNotifyUnitOfWork.of(transaction, Cause.of(envelope), components), envelope.data, contact
                )
        database = in_tenant(components.database)

        async def all_sent() -> bool:
            return await database.fetchval("SELECT count(*) FROM notifications WHERE status = 'sent'") == burst

        assert await eventually(all_sent, timeout=30)
        ids = {row["notification_id"] for row in await database.fetch("SELECT notification_id FROM notifications")}
    received = [mail["Message-ID"] for mail in inbox.messages]
    assert sorted(received) == sorted(f"<{i}@mentoring-mesh>" for i in ids)  # each one, once
    assert 2 <= inbox.most_in_flight <= 4  # side by side, never more than the senders
    assert len(set(inbox.peers)) <= 8 < burst  # connections kept from mail to mail, not one per mail


UNUSED = {
    "database_url": "postgresql://unused/x",
    "kafka_bootstrap_servers": "unused:9092",
    "oidc_issuer": "https://unused.example.edu/realms/x",
}


def _mailer(port: int) -> SmtpMailer:
    return SmtpMailer(NotifySettings(smtp_host="127.0.0.1", smtp_port=port, **UNUSED))


async def _send(mailer: SmtpMailer, to: str) -> None:
    await mailer.send(
        to_name="Ada L.", to_email=to, message=Message("Hello", "Hello Ada."), message_id=f"<{uuid.uuid4()}@mentoring-mesh>"
    )


async def test_a_connection_is_kept_across_mails_and_a_refusal_until_closed_when_idle(watched_server) -> None:
    controller, inbox = watched_server
    mailer = _mailer(controller.port)
    await _send(mailer, "ada@uni.example.edu")
    with pytest.raises(RefusedForGood):
        await _send(mailer, f"ada@{NO_MAIL_DOMAIN}")
    await _send(mailer, "bob@uni.example.edu")  # after the refusal, over the same connection
    await mailer.close_idle()
    await _send(mailer, "cy@uni.example.edu")
    await mailer.close_idle()
    assert [mail["To"] for mail in inbox.messages] == [
        '"Ada L." <ada@uni.example.edu>',
        '"Ada L." <bob@uni.example.edu>',
        '"Ada L." <cy@uni.example.edu>',
    ]
    first, second, third = inbox.peers
    assert first == second != third


async def test_a_kept_connection_the_server_dropped_is_replaced_and_the_mail_still_goes() -> None:
    inbox = WatchingInbox()
    port = free_port()
    first = Controller(inbox, hostname="127.0.0.1", port=port)
    first.start()
    mailer = _mailer(port)
    try:
        await _send(mailer, "ada@uni.example.edu")
    finally:
        first.stop()  # the server restarts while the connection waits for the next mail
    second = Controller(inbox, hostname="127.0.0.1", port=port)
    second.start()
    try:
        await _send(mailer, "bob@uni.example.edu")
        await mailer.close_idle()
    finally:
        second.stop()
    assert [mail["To"] for mail in inbox.messages] == ['"Ada L." <ada@uni.example.edu>', '"Ada L." <bob@uni.example.edu>']
    assert inbox.peers[0] != inbox.peers[1]


def test_senders_must_leave_pool_connections_to_requests_and_consumers() -> None:
    assert NotifySettings(**UNUSED, delivery_concurrency=8, db_pool_max_size=10).delivery_concurrency == 8
    with pytest.raises(ValueError, match=r"delivery_concurrency \(9\) must leave at least 2 of the db_pool_max_size \(10\)"):
        NotifySettings(**UNUSED, delivery_concurrency=9, db_pool_max_size=10)
