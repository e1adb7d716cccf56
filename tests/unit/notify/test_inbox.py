"""Notify's in-app inbox: only what was sent is in it, read once (again: no change) or unread again, placed by
when it was sent; marking all read may stop at the newest one the person saw."""

import dataclasses
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from mesh_notify.application.read_notifications import mark_all_read, mark_read, mark_unread
from mesh_notify.domain.inbox import NotTheRecipients, Place
from mesh_notify.domain.notification import Notification, NotificationStatus, NotInInbox
from tests.unit.notify.test_notify_domain import NOW, notification


def sent(template: str = "welcome", at: datetime = NOW, recipient: uuid.UUID | None = None) -> Notification:
    planned = notification(template, {})
    return dataclasses.replace(planned, recipient_id=recipient or planned.recipient_id).sent(at)


class MemoryInbox:
    """The Inbox port over a list, with a count of writes."""

    def __init__(self, *notifications: Notification) -> None:
        self.rows = {n.notification_id: n for n in notifications}
        self.writes = 0

    async def place(self, recipient_id, notification_id):
        found = self.rows.get(notification_id)
        return Place.of(found) if found and found.recipient_id == recipient_id else None

    async def unread_count(self, recipient_id):
        return sum(
            n.recipient_id == recipient_id and n.status is NotificationStatus.SENT and n.read_at is None
            for n in self.rows.values()
        )

    async def get_locked(self, notification_id):
        return self.rows.get(notification_id)

    async def record_read(self, notification):
        self.writes += 1
        self.rows[notification.notification_id] = notification

    async def read_all(self, recipient_id, through, at):
        marked = [
            n
            for n in self.rows.values()
            if n.recipient_id == recipient_id
            and n.status is NotificationStatus.SENT
            and n.read_at is None
            and (through is None or Place.of(n) <= through)
        ]
        for n in marked:
            await self.record_read(n.read(at))
        return len(marked)


def test_a_sent_notification_is_read_once_and_may_be_unread_again() -> None:
    mail = sent(at=NOW)
    assert mail.sent_at == NOW and mail.read_at is None
    read = mail.read(NOW + timedelta(hours=1))
    assert read.read_at == NOW + timedelta(hours=1)
    assert read.read(NOW + timedelta(hours=2)) == read  # read again: it keeps when it was first read
    assert read.unread().read_at is None and read.unread().unread().read_at is None


@pytest.mark.parametrize("status", [NotificationStatus.PENDING, NotificationStatus.FAILED, NotificationStatus.CANCELLED])
def test_only_a_sent_notification_is_in_the_inbox(status) -> None:
    never_sent = dataclasses.replace(notification("welcome", {}), status=status)
    with pytest.raises(NotInInbox, match=status.value):
        never_sent.read(NOW)
    with pytest.raises(NotInInbox, match="only a sent one"):
        never_sent.unread()


def test_the_inbox_places_each_by_when_it_was_sent_else_when_it_was_planned_then_template_and_id() -> None:
    # planned long ago, sent last: a reminder comes after news sent in between
    reminder = dataclasses.replace(notification("session_reminder_1h", {}), created_at=NOW - timedelta(days=3)).sent(NOW)
    news = sent("match_accepted", NOW - timedelta(days=1))
    pending = dataclasses.replace(notification("session_reminder_24h", {}), created_at=NOW - timedelta(days=2))
    same_moment = [sent("agreement_set", NOW), sent("agreement_proposed", NOW)]
    assert sorted([reminder, news, pending, *same_moment], key=Place.of) == [
        pending,
        news,
        same_moment[1],
        same_moment[0],
        reminder,
    ]
    twins = sorted([sent("welcome", NOW), sent("welcome", NOW)], key=Place.of)
    assert twins[0].notification_id < twins[1].notification_id  # the id settles it: every one has a place of its own


async def test_marking_read_writes_only_a_change_and_unknown_ids_are_none() -> None:
    mail = sent()
    inbox = MemoryInbox(mail)
    uow = SimpleNamespace(inbox=inbox)
    first = await mark_read(uow, mail.notification_id, NOW + timedelta(minutes=5))
    again = await mark_read(uow, mail.notification_id, NOW + timedelta(minutes=9))
    assert first.read_at == again.read_at == NOW + timedelta(minutes=5) and inbox.writes == 1
    assert (await mark_unread(uow, mail.notification_id)).read_at is None
    assert (await mark_unread(uow, mail.notification_id)).read_at is None and inbox.writes == 2
    assert await mark_read(uow, uuid.uuid4(), NOW) is None


async def test_marking_all_read_stops_at_the_newest_one_seen_and_only_at_one_of_theirs() -> None:
    ada, ben = uuid.uuid4(), uuid.uuid4()
    seen = [sent("welcome", NOW, ada), sent("match_proposed", NOW + timedelta(hours=1), ada)]
    since = sent("match_accepted", NOW + timedelta(hours=2), ada)
    bens = sent("welcome", NOW, ben)
    inbox = MemoryInbox(*seen, since, bens)
    uow = SimpleNamespace(inbox=inbox)
    with pytest.raises(NotTheRecipients):
        await mark_all_read(uow, ada, bens.notification_id, NOW)
    assert await mark_all_read(uow, ada, seen[-1].notification_id, NOW + timedelta(hours=3)) == 2
    assert await inbox.unread_count(ada) == 1 and await inbox.unread_count(ben) == 1
    assert await mark_all_read(uow, ada, None, NOW + timedelta(hours=4)) == 1
    assert await mark_all_read(uow, ada, None, NOW + timedelta(hours=5)) == 0  # again: nothing left to mark
    assert inbox.rows[seen[0].notification_id].read_at == NOW + timedelta(hours=3)
