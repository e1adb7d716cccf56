"""A participant's in-app inbox against a real database and a real SMTP server, time moved by the service's
clock: what was sent to them, newest first a page at a time, each read or unread, how many are unread,
all marked read up to the newest one seen; quiet hours hold a mail until their end, and it lists by when
it went; an erasure keeps when each was read but none of the words."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import AgreementProposed, MatchExpired, ParticipantErased
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.application.deliver_notification import deliver_next
from mesh_notify.domain.messages import Links
from mesh_runtime.clock import advance
from mesh_runtime.db import Cause
from tests.integration.notify.conftest import WITHOUT_WORKERS
from tests.integration.notify.test_reminders import BERLIN, Pair, days_ahead_at, handle, scheduled, settings
from tests.support.events import deliver
from tests.support.factories import joined
from tests.support.identity import INSTITUTION, as_person
from tests.support.services import running


async def deliver_due(app) -> int:
    """Every notification due by the service's clock, as the delivery worker sends them."""
    components, delivered = app.state.components, 0
    mailer = SmtpMailer(components.settings)
    try:
        while True:
            async with components.database.transaction(INSTITUTION) as transaction:
                uow = PostgresNotifyUnitOfWork.of(transaction, Cause(institution=INSTITUTION), components)
                if await deliver_next(uow, mailer, Links(components.settings.public_base_url)) is None:
                    return delivered
            delivered += 1
    finally:
        await mailer.close_idle()


def later(app, by: timedelta) -> datetime:
    advance(app.state.components.settings.clock_offset_file, by)
    return app.state.components.clock.now()


def expired(pair: Pair, at: datetime) -> MatchExpired:
    return MatchExpired(match_id=uuid.uuid4(), program_id="p", participant_ids=pair.ids, accepted_by=[], expired_at=at)


async def joined_pair(app, pair: Pair) -> None:
    for contact in (pair.ada, pair.ben):
        await handle(app, joined(contact.participant_id), contact)


async def test_an_inbox_pages_newest_first_and_keeps_what_was_read_until_an_erasure_takes_the_words(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, mailbox = smtp_server
    pair = Pair()
    ada = as_person("notify", pair.ada.subject)
    async with running(
        WITHOUT_WORKERS, endpoints.kafka_bootstrap, await database_factory(WITHOUT_WORKERS), **settings(tmp_path, controller.port)
    ) as (app, client):
        await joined_pair(app, pair)
        assert await deliver_due(app) == 2  # both welcomes
        lapsed = []
        for _ in range(3):  # three proposals lapse, an hour apart
            event = expired(pair, later(app, timedelta(hours=1)))
            await handle(app, event)
            lapsed.append(event.match_id)
            assert await deliver_due(app) == 2
        await handle(app, scheduled(pair, days_ahead_at(3, 12, BERLIN)))  # its mail goes now, its reminders wait
        assert await deliver_due(app) == 2 and len(mailbox.messages) == 10

        async def listed(**params) -> list[dict]:
            response = await client.get(
                "/notifications", params={"recipient_id": str(pair.ada.participant_id)} | params, headers=ada
            )
            assert response.status_code == 200, response.text
            return response.json()

        async def unread(headers=ada) -> int:
            response = await client.get(
                "/notifications/unread-count", params={"recipient_id": str(pair.ada.participant_id)}, headers=headers
            )
            assert response.status_code == 200, response.text
            return response.json()["unread"]

        everything = await listed()  # as before: oldest first, every status
        assert [n["template"] for n in everything] == [
            "welcome",
            *3 * ["match_expired"],
            "session_reminder_1h",
            "session_reminder_24h",
            "session_scheduled",
        ]
        inbox = await listed(status="sent", order="newest")
        assert [n["template"] for n in inbox] == ["session_scheduled", *3 * ["match_expired"], "welcome"]
        assert [n["match_id"] for n in inbox[1:4]] == [str(m) for m in reversed(lapsed)]
        assert inbox[1]["subject"] == "Your proposed match with Ben M. has lapsed"
        assert inbox[1]["partner_id"] == str(pair.ben.participant_id) and inbox[1]["read_at"] is None
        assert [n["sent_at"] for n in inbox] == sorted((n["sent_at"] for n in inbox), reverse=True)
        assert all(n["body"] is None for n in inbox)  # the text comes with one notification, not in lists
        opened = (await client.get(f"/notifications/{inbox[1]['notification_id']}", headers=ada)).json()
        assert opened["subject"] == inbox[1]["subject"] and opened["body"].startswith("Hello Ada L.,\n\nthe proposal was")
        assert await unread() == 5

        # a page at a time: each starts before the last one of the page before; a short page is the last
        pages, before = [], {}
        while True:
            page = await listed(status="sent", order="newest", limit=2, **before)
            pages.append([n["notification_id"] for n in page])
            if len(page) < 2:
                break
            before = {"before": page[-1]["notification_id"]}
        assert pages == [[n["notification_id"] for n in inbox[i : i + 2]] for i in (0, 2, 4)]
        oldest_after_welcome = await listed(status="sent", after=inbox[-1]["notification_id"], limit=1)
        assert [n["notification_id"] for n in oldest_after_welcome] == [inbox[3]["notification_id"]]
        bens = (await client.get("/notifications", params={"recipient_id": str(pair.ben.participant_id)})).json()
        refused = await client.get(
            "/notifications",
            params={"recipient_id": str(pair.ada.participant_id), "before": bens[0]["notification_id"]},
            headers=ada,
        )
        assert refused.status_code == 422 and "no notification of recipient" in refused.json()["detail"]

        # read one: again keeps when it was first read; unread again; a reminder not sent yet is not in the inbox
        newest = inbox[0]["notification_id"]
        first = await client.post(f"/notifications/{newest}/read", headers=ada)
        assert first.status_code == 200 and first.json()["read_at"] is not None
        later(app, timedelta(minutes=5))
        again = await client.post(f"/notifications/{newest}/read", headers=ada)
        assert again.status_code == 200 and again.json()["read_at"] == first.json()["read_at"]
        assert await unread() == 4 and newest not in [n["notification_id"] for n in await listed(unread="true")]
        assert (await client.post(f"/notifications/{newest}/unread", headers=ada)).json()["read_at"] is None
        assert (await client.post(f"/notifications/{newest}/unread", headers=ada)).status_code == 200
        assert await unread() == 5
        reminder = next(n for n in everything if n["template"] == "session_reminder_1h")
        not_sent = await client.post(f"/notifications/{reminder['notification_id']}/read", headers=ada)
        assert not_sent.status_code == 409 and "pending, not sent" in not_sent.json()["detail"]

        # all read up to the newest one she saw: what came after stays unread; then the rest; then nothing left
        seen = {"recipient_id": str(pair.ada.participant_id), "through": inbox[2]["notification_id"]}
        done = await client.post("/notifications/read", json=seen, headers=ada)
        assert done.status_code == 200 and done.json() == {"recipient_id": seen["recipient_id"], "marked": 3, "unread": 2}
        assert [n["notification_id"] for n in await listed(unread="true", order="newest")] == [
            n["notification_id"] for n in inbox[:2]
        ]
        everyone = {"recipient_id": str(pair.ada.participant_id)}
        assert (await client.post("/notifications/read", json=everyone, headers=ada)).json()["marked"] == 2
        assert (await client.post("/notifications/read", json=everyone, headers=ada)).json() == everyone | {
            "marked": 0,
            "unread": 0,
        }
        ben_unread = await client.get("/notifications/unread-count", params={"recipient_id": str(pair.ben.participant_id)})
        assert ben_unread.json()["unread"] == 5  # Ben's are his own

        # erased: when each was sent and read stays (statistics), the words and who they were about go
        read_before = {n["notification_id"]: n["read_at"] for n in await listed(status="sent")}
        await deliver(app, ParticipantErased(participant_id=pair.ada.participant_id, erased_at=datetime.now(UTC)))
        kept = (
            await client.get("/notifications", params={"recipient_id": str(pair.ada.participant_id), "status": "sent"})
        ).json()
        assert {n["notification_id"]: n["read_at"] for n in kept} == read_before and all(
            n["sent_at"] and n["subject"] is None and n["match_id"] is None and n["partner_id"] is None for n in kept
        )
        assert (await client.get(f"/notifications/{kept[0]['notification_id']}")).json()["body"] is None
        assert (await client.get("/notifications/unread-count", params={"recipient_id": str(pair.ada.participant_id)})).json()[
            "unread"
        ] == 0
        told_ben = (
            await client.get(
                "/notifications",
                params={"recipient_id": str(pair.ben.participant_id), "status": "sent", "order": "newest", "limit": 1},
            )
        ).json()
        assert told_ben[0]["subject"].startswith("Session 1 with your match")  # her name is gone from his too


async def test_a_mail_due_in_quiet_hours_goes_at_their_end_and_lists_by_when_it_went(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, mailbox = smtp_server
    pair = Pair()
    ada = as_person("notify", pair.ada.subject)
    async with running(
        WITHOUT_WORKERS, endpoints.kafka_bootstrap, await database_factory(WITHOUT_WORKERS), **settings(tmp_path, controller.port)
    ) as (app, client):
        await joined_pair(app, pair)
        assert await deliver_due(app) == 2
        # quiet for matches from an hour ago until two hours from now, in Ada's zone (Berlin)
        local = app.state.components.clock.now().astimezone(BERLIN).replace(second=0, microsecond=0)
        start, end = local - timedelta(hours=1), local + timedelta(hours=2)
        quiet = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
        path = f"/participants/{pair.ada.participant_id}/notification-preferences"
        preferences = await client.put(path, json={"preferences": [{"kind": "matches", "quiet_hours": quiet}]}, headers=ada)
        assert preferences.status_code == 200, preferences.text
        assert preferences.json()["time_zone"] == "Europe/Berlin"
        assert {p["kind"]: p["quiet_hours"] for p in preferences.json()["preferences"]}["matches"] == {
            "start": start.strftime("%H:%M:00"),
            "end": end.strftime("%H:%M:00"),
        }

        await handle(app, expired(pair, app.state.components.clock.now()))  # a match lapses, inside her quiet hours
        await handle(
            app,
            AgreementProposed(
                match_id=pair.match_id,
                program_id="p",
                participant_ids=pair.ids,
                agreement_version=1,
                proposed_by=pair.ben.participant_id,
                proposed_at=datetime.now(UTC),
            ),
        )  # agreements: no quiet hours
        assert await deliver_due(app) == 2  # Ben's lapse, Ada's agreement; Ada's lapse waits
        [held] = [
            n
            for n in (
                await client.get(
                    "/notifications", params={"recipient_id": str(pair.ada.participant_id), "status": "pending"}, headers=ada
                )
            ).json()
        ]
        assert held["template"] == "match_expired" and datetime.fromisoformat(held["due_at"]) == end.astimezone(UTC)

        later(app, end - local - timedelta(minutes=1))  # a minute before the end: still held
        assert await deliver_due(app) == 0
        assert [m["Subject"] for m in mailbox.messages if "ada.l@" in m["To"]] == [
            "Welcome to first-year-stem",
            "Ben M. proposed your mentoring agreement",
        ]
        gone_at = later(app, timedelta(minutes=2))  # past the end: it goes
        assert await deliver_due(app) == 1
        assert [m["Subject"] for m in mailbox.messages if "ada.l@" in m["To"]][-1] == "Your proposed match with Ben M. has lapsed"
        inbox = (
            await client.get(
                "/notifications",
                params={"recipient_id": str(pair.ada.participant_id), "status": "sent", "order": "newest"},
                headers=ada,
            )
        ).json()
        # planned before the agreement's mail, sent after it: the inbox lists it first
        assert [n["template"] for n in inbox] == ["match_expired", "agreement_proposed", "welcome"]
        sent_at = datetime.fromisoformat(inbox[0]["sent_at"])  # by the service's clock, once past the end
        assert end.astimezone(UTC) < gone_at <= sent_at <= app.state.components.clock.now()
        assert datetime.fromisoformat(inbox[0]["created_at"]) < datetime.fromisoformat(inbox[1]["created_at"])
