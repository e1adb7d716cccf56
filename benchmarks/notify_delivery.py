"""Notify's mail delivery against raw SMTP sends to the same real server, in the same run.

A burst of welcome mails is planned in one transaction; the notify service (real PostgreSQL, real
Kafka for its outbox) then delivers them to a real SMTP server in a process of its own (aiosmtpd,
the benchmarks' MailCounter).
The baselines send as many mails of the same kind with aiosmtplib and nothing else: one new
connection per mail, one after another (how notify delivered before it kept connections), and
``senders`` connections kept open side by side (the floor for that many senders). Notify's figure
is the time from the commit of the burst until the last mail is recorded as sent.

Prints one readable line per figure and one JSON line. Usage:
python -m benchmarks.notify_delivery [mails] [senders...]   (defaults: 2000 mails; 1, 4 and 8 senders)
"""

import asyncio
import json
import sys
import time
from email.message import EmailMessage

import aiosmtplib

from benchmarks.mail_counter import MailCounter
from benchmarks.platform import until
from mentoring_contracts import new_envelope
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.bootstrap import DEFINITION
from mesh_notify.domain.notification import Contact
from mesh_runtime.db import Cause
from tests.support import infrastructure
from tests.support.databases import create_database, drop_database
from tests.support.factories import joined
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, running


def _mail(i: int) -> EmailMessage:
    """About the size of a welcome mail."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "bench@mentoring-mesh.invalid", f"p{i}@uni.example.edu", "Welcome"
    mail["Message-ID"] = f"<raw-{i}-{time.monotonic_ns()}@bench>"
    mail.set_content("Hello,\n\nwelcome to the program. " * 12)
    return mail


async def raw_new_connection_each(port: int, mails: int) -> float:
    started = time.perf_counter()
    for i in range(mails):
        await aiosmtplib.send(_mail(i), hostname="127.0.0.1", port=port, start_tls=False)
    return time.perf_counter() - started


async def raw_kept_connections(port: int, mails: int, senders: int) -> float:
    async def sender(share: range) -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False) as client:
            for i in share:
                await client.send_message(_mail(i))

    started = time.perf_counter()
    await asyncio.gather(*(sender(range(s, mails, senders)) for s in range(senders)))
    return time.perf_counter() - started


async def notify_delivers(endpoints: infrastructure.Endpoints, port: int, mails: int, senders: int) -> float:
    url = await create_database(endpoints.postgres_admin_url)
    settings = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "delivery_poll_interval_seconds": 0.05,
        "delivery_concurrency": senders,
        "db_pool_max_size": senders + 4,
    }
    try:
        async with running(DEFINITION, endpoints.kafka_bootstrap, url, **settings) as (app, _):
            components = app.state.components
            async with components.database.transaction(INSTITUTION) as transaction:
                for i in range(mails):  # one transaction: the whole burst becomes due at once
                    event = joined()
                    envelope = new_envelope(event, source="/bench", institution=INSTITUTION)
                    contact = Contact(
                        event.participant_id, f"Person {i}", f"p{i}@uni.example.edu", "Europe/Berlin", campus="north"
                    )
                    await plan_notifications(
                        PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope)), envelope.data, contact
                    )
            started = time.monotonic()
            database = in_tenant(components.database)

            async def all_sent() -> bool:
                return await database.fetchval("SELECT count(*) FROM notifications WHERE status = 'sent'") == mails

            return await until(all_sent) - started
    finally:
        await drop_database(endpoints.postgres_admin_url, url)


async def run(endpoints: infrastructure.Endpoints, port: int, mails: int, senders: list[int]) -> dict:
    result: dict = {"mails": mails}
    seconds = await raw_new_connection_each(port, mails)
    result["raw_new_connection_each_per_second"] = round(mails / seconds, 1)
    for count in senders:
        raw = mails / await raw_kept_connections(port, mails, count)
        delivered = mails / await notify_delivers(endpoints, port, mails, count)
        result[f"senders_{count}"] = {
            "raw_kept_connections_per_second": round(raw, 1),
            "notify_per_second": round(delivered, 1),
            "notify_to_raw": round(delivered / raw, 3),
        }
    return result


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    parallel = [int(a) for a in sys.argv[2:]] or [1, 4, 8]
    with infrastructure.provide() as provided:
        smtp = MailCounter(infrastructure.REPO_ROOT / ".mesh" / "bench-delivery" / "smtp")
        smtp.start()
        try:
            figures = asyncio.run(run(provided, smtp.port, count, parallel))
        finally:
            smtp.stop()
    print(f"raw SMTP, a new connection per mail, one at a time: {figures['raw_new_connection_each_per_second']} mails/s")
    for n in parallel:
        f = figures[f"senders_{n}"]
        print(
            f"{n} sender(s): notify {f['notify_per_second']} mails/s, raw SMTP over {n} kept connection(s) "
            f"{f['raw_kept_connections_per_second']} mails/s; notify/raw {f['notify_to_raw']}"
        )
    print(json.dumps({"benchmark": "notify_delivery", **figures}))
