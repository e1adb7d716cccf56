"""Notify's in-app inbox: only what was sent is in it, read once (again: no change) or unread again, placed by
when it was sent (marking read: application/test_reading.py)."""

import dataclasses
import uuid
from datetime import datetime, timedelta

import pytest

from mesh_notify.domain.inbox import Place
from mesh_notify.domain.notification import Notification, NotificationStatus, NotInInbox
from tests.unit.notify.test_notify_domain import NOW, notification


def sent(template: str = "welcome", at: datetime = NOW, recipient: uuid.UUID | None = None) -> Notification:
    planned = notification(template, {})
    return dataclasses.replace(planned, recipient_id=recipient or planned.recipient_id).sent(at)


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
