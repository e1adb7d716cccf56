"""A recipient reads their inbox in the app: one read (again keeps when it was first read) or unread
again, or all read up to the newest one they saw; only the recipient marks, only what was sent."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mesh_notify.application.errors import NotInInbox, NotTheirs, RecipientOnly
from mesh_notify.application.read_notifications import mark_all_read, mark_read, mark_unread
from mesh_notify.domain.notification import Contact, Notification
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.notify import FakeNotifyUnitOfWork

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
ADA = Contact(uuid.uuid4(), "Ada L.", "ada@uni.example.edu", "Europe/Berlin", subject="ada-account")
BEN = Contact(uuid.uuid4(), "Ben M.", "ben@uni.example.edu", "Europe/Berlin", subject="ben-account")


@pytest.fixture
async def uow() -> FakeNotifyUnitOfWork:
    uow = FakeNotifyUnitOfWork(FixedClock(NOW))
    for contact in (ADA, BEN):
        await uow.contacts.upsert(contact)
    return uow


async def sent(uow: FakeNotifyUnitOfWork, to: Contact, at: datetime, template: str = "welcome") -> Notification:
    planned = Notification(uuid.uuid4(), to.participant_id, template, {}, uuid.uuid4(), uuid.uuid4(), at - timedelta(minutes=1))
    await uow.notifications.add(planned.sent(at))
    return planned.sent(at)


async def test_one_is_read_by_the_clock_once_written_only_when_it_changes_and_unread_again(uow) -> None:
    mail = await sent(uow, ADA, NOW - timedelta(hours=1))
    first = await mark_read(uow, mail.notification_id, "ada-account")
    uow.clock.advance(timedelta(minutes=4))
    again = await mark_read(uow, mail.notification_id, "ada-account")
    assert first.read_at == again.read_at == NOW and uow.inbox.writes == 1
    assert (await mark_unread(uow, mail.notification_id, "ada-account")).read_at is None
    assert (await mark_unread(uow, mail.notification_id, "ada-account")).read_at is None and uow.inbox.writes == 2
    assert await mark_read(uow, uuid.uuid4(), "ada-account") is None  # no such notification


async def test_only_the_recipient_marks_and_only_a_sent_one_is_in_the_inbox(uow) -> None:
    mail = await sent(uow, ADA, NOW)
    for mark in (mark_read, mark_unread):
        with pytest.raises(RecipientOnly, match="only the recipient"):
            await mark(uow, mail.notification_id, "ben-account")  # their admin, or anyone else
    pending = Notification(uuid.uuid4(), ADA.participant_id, "session_reminder_1h", {}, uuid.uuid4(), uuid.uuid4(), NOW)
    await uow.notifications.add(pending)
    with pytest.raises(NotInInbox, match="pending, not sent"):
        await mark_read(uow, pending.notification_id, "ada-account")
    await uow.contacts.remove(ADA.participant_id)  # erased: nobody is their recipient any more
    with pytest.raises(RecipientOnly):
        await mark_read(uow, mail.notification_id, "ada-account")
    assert uow.inbox.writes == 0


async def test_all_are_read_up_to_the_newest_one_seen_and_only_at_one_of_theirs(uow) -> None:
    seen = [await sent(uow, ADA, NOW - timedelta(hours=3)), await sent(uow, ADA, NOW - timedelta(hours=2), "match_proposed")]
    since = await sent(uow, ADA, NOW - timedelta(hours=1), "match_accepted")
    bens = await sent(uow, BEN, NOW - timedelta(hours=3))
    with pytest.raises(NotTheirs, match="is not one of"):
        await mark_all_read(uow, ADA.participant_id, bens.notification_id, "ada-account")
    with pytest.raises(RecipientOnly):
        await mark_all_read(uow, ADA.participant_id, None, "ben-account")
    assert await mark_all_read(uow, ADA.participant_id, seen[-1].notification_id, "ada-account") == 2
    assert await uow.inbox.unread_count(ADA.participant_id) == 1 and await uow.inbox.unread_count(BEN.participant_id) == 1
    uow.clock.advance(timedelta(hours=1))
    assert await mark_all_read(uow, ADA.participant_id, None, "ada-account") == 1
    assert await mark_all_read(uow, ADA.participant_id, None, "ada-account") == 0  # again: nothing left to mark
    rows = uow.notifications.rows
    assert rows[seen[0].notification_id].read_at == NOW and rows[since.notification_id].read_at == NOW + timedelta(hours=1)
    assert rows[bens.notification_id].read_at is None
