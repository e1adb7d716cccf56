"""Reminders, invitations and preferences against a real database and a real SMTP server, time moved by
the service's clock: each reminder at its local moment, once, never for a moved or cancelled time,
and exactly once across a restart between planning and sending."""

import email
import uuid
from datetime import UTC, datetime, time, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar

from mentoring_contracts import AgreementProposed, SessionCancelled, SessionRescheduled, SessionScheduled, new_envelope
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.application.deliver_notification import deliver_next
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.bootstrap import DEFINITION
from mesh_notify.domain.messages import Links
from mesh_notify.domain.notification import Contact
from mesh_runtime.clock import Clock, advance
from mesh_runtime.db import Cause
from tests.integration.kafka_helpers import eventually
from tests.integration.notify.conftest import WITHOUT_WORKERS
from tests.support.factories import joined
from tests.support.identity import INSTITUTION, as_person
from tests.support.services import running

BERLIN = ZoneInfo("Europe/Berlin")


class Pair:
    def __init__(self) -> None:
        self.ada = Contact(uuid.uuid4(), "Ada L.", "ada.l@uni.example.edu", "Europe/Berlin", f"ada-{uuid.uuid4()}", "north")
        self.ben = Contact(uuid.uuid4(), "Ben M.", "ben.m@uni.example.edu", "America/New_York", f"ben-{uuid.uuid4()}", "north")
        self.session_id, self.match_id = uuid.uuid4(), uuid.uuid4()

    @property
    def ids(self) -> list[uuid.UUID]:
        return [self.ada.participant_id, self.ben.participant_id]


async def handle(app, event, contact: Contact | None = None, envelope=None):
    """As the consumer does: one transaction per event, by the service's clock."""
    envelope = envelope or new_envelope(event, source="/scheduling", institution=INSTITUTION)
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        await plan_notifications(PostgresNotifyUnitOfWork.of(transaction, Cause.of(envelope), components), envelope.data, contact)
    return envelope


async def mails_to(client, contact: Contact) -> list[dict]:
    return (await client.get("/notifications", params={"recipient_id": str(contact.participant_id)})).json()


def scheduled(pair: Pair, starts_at: datetime) -> SessionScheduled:
    return SessionScheduled(
        session_id=pair.session_id,
        match_id=pair.match_id,
        program_id="p",
        participant_ids=pair.ids,
        sequence=1,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        meeting_mode="online",
        cadence="weekly",
        occurrence=0,
    )


def settings(tmp_path, port: int) -> dict:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "delivery_poll_interval_seconds": 0.1,
        "clock_offset_file": tmp_path / "clock-offset",
    }


def days_ahead_at(days: int, hour: int, zone: ZoneInfo) -> datetime:
    day = (datetime.now(zone) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


async def test_reminders_come_at_local_moments_honour_quiet_hours_and_follow_a_move_and_a_cancel(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, inbox = smtp_server
    pair = Pair()
    async with running(
        DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings(tmp_path, controller.port)
    ) as (app, client):
        for contact in (pair.ada, pair.ben):
            await handle(app, _joined(contact), contact)
        # Ben wants no reminders at night, in his own zone; Ada may not set Ben's preferences
        quiet = {"preferences": [{"kind": "reminders", "enabled": True, "quiet_hours": {"start": "22:00", "end": "07:00"}}]}
        path = f"/participants/{pair.ben.participant_id}/notification-preferences"
        assert (await client.put(path, json=quiet, headers=as_person("notify", pair.ada.subject))).status_code == 403
        assert (await client.put(path, json=quiet, headers=as_person("notify", pair.ben.subject))).status_code == 200
        bad = {"preferences": [{"kind": "reminders", "quiet_hours": {"start": "22:00", "end": "22:00"}}]}
        refused = await client.put(path, json=bad, headers=as_person("notify", pair.ben.subject))
        assert refused.status_code == 422 and "differ" in refused.text

        # 06:30 in New York, 12:30 in Berlin, in three days
        starts = days_ahead_at(3, 6, ZoneInfo("America/New_York")) + timedelta(minutes=30)
        await handle(app, scheduled(pair, starts))
        due = {n["template"]: n for n in await mails_to(client, pair.ben) if n["template"].startswith("session_reminder")}
        ben_1h = datetime.fromisoformat(due["session_reminder_1h"]["due_at"]).astimezone(ZoneInfo("America/New_York"))
        assert ben_1h.strftime("%H:%M") == "21:59"  # 05:30 is quiet until 07:00, after the start: the evening before
        ada = {n["template"]: n for n in await mails_to(client, pair.ada) if n["template"].startswith("session_reminder")}
        assert datetime.fromisoformat(ada["session_reminder_1h"]["due_at"]) == starts - timedelta(hours=1)

        # moved a day later: the old reminders are cancelled, new ones planned for the new time
        moved_to = starts + timedelta(days=1)
        await handle(
            app,
            SessionRescheduled(
                session_id=pair.session_id,
                match_id=pair.match_id,
                program_id="p",
                participant_ids=pair.ids,
                starts_at=moved_to,
                ends_at=moved_to + timedelta(hours=1),
                previous_starts_at=starts,
                rescheduled_by=pair.ada.participant_id,
                revision=1,
                meeting_mode="online",
            ),
        )
        reminders = [n for n in await mails_to(client, pair.ada) if n["template"].startswith("session_reminder")]
        assert sorted((n["status"], n["due_at"] is not None) for n in reminders) == [
            ("cancelled", False),
            ("cancelled", False),
            ("pending", True),
            ("pending", True),
        ]

        # the clock reaches the new 24 h reminder: sent to Ada once, with nothing for the old time
        await _advance_to(app, moved_to - timedelta(hours=24) + timedelta(minutes=1))
        assert await eventually(lambda: _sent(client, pair.ada, "session_reminder_24h"), timeout=15)
        subjects = [m["Subject"] for m in inbox.messages if m["To"].endswith("<ada.l@uni.example.edu>")]
        local_start = moved_to.astimezone(BERLIN).strftime("%H:%M")
        assert subjects.count(f"Reminder: session with Ben M. tomorrow at {local_start}") == 1

        # the scheduling and the move each carried an invitation for the same calendar event; senders work
        # side by side, so they may arrive in either order: calendars order them by SEQUENCE, not arrival
        invitations = [
            _calendar(m) for m in inbox.messages if m["To"].endswith("<ada.l@uni.example.edu>") and _calendar(m) is not None
        ]
        assert sorted((str(c["METHOD"]), int(c.walk("VEVENT")[0]["SEQUENCE"])) for c in invitations) == [
            ("REQUEST", 0),
            ("REQUEST", 1),
        ]
        assert {str(c.walk("VEVENT")[0]["UID"]) for c in invitations} == {f"{pair.session_id}@mentoring-mesh"}

        # cancelled: the 1 h reminder never goes, the cancellation cancels the calendar event
        await handle(
            app,
            SessionCancelled(
                session_id=pair.session_id,
                match_id=pair.match_id,
                program_id="p",
                participant_ids=pair.ids,
                starts_at=moved_to,
                ends_at=moved_to + timedelta(hours=1),
                cancelled_by=pair.ben.participant_id,
                cancelled_at=app.state.components.clock.now(),
                revision=2,
            ),
        )
        await _advance_to(app, moved_to)
        assert await eventually(lambda: _sent(client, pair.ada, "session_cancelled"), timeout=15)
        pending = [n for n in await mails_to(client, pair.ada) if n["status"] == "pending"]
        assert pending == []
        cancel = _calendar(next(m for m in inbox.messages if m["Subject"].startswith("Session with Ben M. cancelled")))
        assert str(cancel["METHOD"]) == "CANCEL" and str(cancel.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
        # a late redelivery of the first scheduling plans nothing again
        assert (
            await handle(app, scheduled(pair, starts))
            and [n for n in await mails_to(client, pair.ada) if n["status"] == "pending"] == []
        )


async def test_each_reminder_is_sent_exactly_once_when_notify_restarts_between_planning_and_sending(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, inbox = smtp_server
    pair, database = Pair(), await database_factory()
    starts = days_ahead_at(2, 12, BERLIN)
    async with running(DEFINITION, endpoints.kafka_bootstrap, database, **settings(tmp_path, controller.port)) as (app, _):
        for contact in (pair.ada, pair.ben):
            await handle(app, _joined(contact), contact)
        planned = await handle(app, scheduled(pair, starts))
    # a new process on the same database: the same event redelivered, then time passes both reminders
    async with running(DEFINITION, endpoints.kafka_bootstrap, database, **settings(tmp_path, controller.port)) as (app, client):
        await handle(app, scheduled(pair, starts), envelope=planned)
        await _advance_to(app, starts - timedelta(minutes=30))
        for contact in (pair.ada, pair.ben):
            for template in ("session_reminder_24h", "session_reminder_1h"):
                assert await eventually(lambda c=contact, t=template: _sent(client, c, t), timeout=15)
    reminders = [parseaddr(m["To"])[1] for m in inbox.messages if m["Subject"].startswith("Reminder:")]
    assert sorted(reminders) == sorted(2 * ["ada.l@uni.example.edu", "ben.m@uni.example.edu"])


async def test_a_kind_turned_off_is_not_sent_even_when_already_planned(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, inbox = smtp_server
    pair = Pair()
    async with running(
        DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings(tmp_path, controller.port)
    ) as (app, client):
        for contact in (pair.ada, pair.ben):
            await handle(app, _joined(contact), contact)
        starts = days_ahead_at(2, 12, BERLIN)
        await handle(app, scheduled(pair, starts))
        path = f"/participants/{pair.ada.participant_id}/notification-preferences"
        off = {"preferences": [{"kind": "reminders", "enabled": False}]}
        shown = (await client.put(path, json=off, headers=as_person("notify", pair.ada.subject))).json()
        assert {p["kind"]: p["enabled"] for p in shown["preferences"]} == {
            "matches": True,
            "agreements": True,
            "sessions": True,
            "reminders": False,
            "nudges": True,
        }
        await _advance_to(app, starts - timedelta(minutes=30))
        assert await eventually(lambda: _sent(client, pair.ben, "session_reminder_1h"), timeout=15)
        ada = {n["template"]: n["status"] for n in await mails_to(client, pair.ada)}
        assert ada["session_reminder_1h"] == ada["session_reminder_24h"] == "cancelled"
        assert ada["session_scheduled"] == "sent"
    assert not [m for m in inbox.messages if m["Subject"].startswith("Reminder:") and "ada.l" in m["To"]]


def _joined(contact: Contact):
    return joined(contact.participant_id)


async def _advance_to(app, moment: datetime) -> None:
    clock: Clock = app.state.components.clock
    ahead = moment - clock.now()
    if ahead > timedelta():
        advance(app.state.components.settings.clock_offset_file, ahead)


async def _sent(client, contact: Contact, template: str) -> bool:
    return any(n["template"] == template and n["status"] == "sent" for n in await mails_to(client, contact))


def _calendar(message: email.message.Message) -> icalendar.Calendar | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return None


async def test_news_that_waited_over_a_week_is_not_mailed_but_its_reminders_still_come(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    """As when notify first reads a topic's history: a year of agreements is not mailed again."""
    controller, _ = smtp_server
    pair = Pair()
    async with running(
        DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), **settings(tmp_path, controller.port)
    ) as (app, client):
        for contact in (pair.ada, pair.ben):
            await handle(app, _joined(contact), contact)
        old = AgreementProposed(
            match_id=pair.match_id,
            program_id="p",
            participant_ids=pair.ids,
            agreement_version=1,
            proposed_by=pair.ada.participant_id,
            proposed_at=datetime.now(UTC) - timedelta(days=30),
        )
        envelope = new_envelope(old, source="/scheduling", institution=INSTITUTION)
        await handle(app, old, envelope=envelope.model_copy(update={"time": datetime.now(UTC) - timedelta(days=30)}))
        assert [n["template"] for n in await mails_to(client, pair.ben)] == ["welcome"]
        starts = days_ahead_at(3, 12, BERLIN)
        late = new_envelope(scheduled(pair, starts), source="/scheduling", institution=INSTITUTION)
        await handle(app, None, envelope=late.model_copy(update={"time": datetime.now(UTC) - timedelta(days=8)}))
        assert sorted(n["template"] for n in await mails_to(client, pair.ben)) == [
            "session_reminder_1h",
            "session_reminder_24h",
            "welcome",
        ]


async def test_a_reminder_planned_just_before_quiet_hours_still_goes_when_delivery_runs_late(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, inbox = smtp_server
    pair = Pair()
    # the test delivers itself, late: no background delivery racing it for the rows
    async with running(
        WITHOUT_WORKERS, endpoints.kafka_bootstrap, await database_factory(WITHOUT_WORKERS), **settings(tmp_path, controller.port)
    ) as (app, client):
        for contact in (pair.ada, pair.ben):
            await handle(app, _joined(contact), contact)
        quiet = {"preferences": [{"kind": "reminders", "quiet_hours": {"start": "22:00", "end": "07:00"}}]}
        path = f"/participants/{pair.ada.participant_id}/notification-preferences"
        assert (await client.put(path, json=quiet, headers=as_person("notify", pair.ada.subject))).status_code == 200
        starts = days_ahead_at(3, 6, BERLIN) + timedelta(minutes=30)  # 1 h before is quiet: 21:59 the evening before
        await handle(app, scheduled(pair, starts))
        await _advance_to(app, starts - timedelta(hours=8, minutes=20))  # 22:10: the worker was down until now
        components = app.state.components
        mailer = SmtpMailer(components.settings)
        links = Links(components.settings.public_base_url)
        while True:
            async with components.database.transaction(INSTITUTION) as transaction:
                uow = PostgresNotifyUnitOfWork.of(transaction, Cause(institution=INSTITUTION), components)
                if await deliver_next(uow, mailer, links) is None:
                    break
        ada = {n["template"]: n["status"] for n in await mails_to(client, pair.ada)}
        assert ada["session_reminder_1h"] == "sent"
    assert any(m["Subject"] == "Reminder: session with Ben M. tomorrow at 06:30" for m in inbox.messages)
