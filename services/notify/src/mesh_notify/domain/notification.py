"""A notification to one participant about one event, and its delivery attempts.

Rules: a notification is sent once the recipient's contact is known; a failed delivery is retried
with growing pauses (1 min, 2, 4 ... capped at 1 h) and given up after ``MAX_ATTEMPTS``; a recipient
the mail server refuses for good is given up at once. A sent notification is in its recipient's
in-app inbox, unread until they read it; they may mark it unread again (reading twice keeps the
first moment); one never sent (pending, failed, cancelled) cannot be read.
"""

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

MAX_ATTEMPTS = 8


class NotInInbox(Exception):
    """Only a sent notification is in its recipient's inbox, to be read or marked unread."""


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # never sent, on purpose: a reminder of a moved or cancelled session, a kind turned off


@dataclass(frozen=True, slots=True)
class Contact:
    participant_id: UUID
    display_name: str
    email: str
    time_zone: str
    subject: str | None = None  # the person's account: who may read their notifications
    campus: str | None = None


@dataclass(frozen=True, slots=True)
class Notification:
    notification_id: UUID
    recipient_id: UUID
    template: str
    context: dict[str, Any]
    caused_by_event_id: UUID
    correlation_id: UUID
    created_at: datetime
    status: NotificationStatus = NotificationStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = field(default=None)
    session_id: UUID | None = None  # a reminder's session, and the revision of it the reminder was planned for
    session_revision: int | None = None
    trace_parent: str | None = None  # the W3C trace context of the event that caused it: its delivery continues that trace
    sent_at: datetime | None = None  # when the mail server took it (by the service's clock)
    read_at: datetime | None = None  # when its recipient read it in their inbox

    def sent(self, at: datetime) -> "Notification":
        return replace(self, status=NotificationStatus.SENT, attempts=self.attempts + 1, last_error=None, sent_at=at)

    def read(self, at: datetime) -> "Notification":
        """Read by its recipient: at ``at`` the first time, unchanged after."""
        self._in_inbox()
        return self if self.read_at is not None else replace(self, read_at=at)

    def unread(self) -> "Notification":
        self._in_inbox()
        return replace(self, read_at=None)

    def _in_inbox(self) -> None:
        if self.status is not NotificationStatus.SENT:
            raise NotInInbox(
                f"notification {self.notification_id} is {self.status.value}, not sent: only a sent one is in the inbox"
            )

    def cancelled(self, why: str) -> "Notification":
        return replace(self, status=NotificationStatus.CANCELLED, next_attempt_at=None, last_error=why)

    def deferred(self, until: datetime) -> "Notification":
        """Quiet hours: the attempt waits, and does not count as one."""
        return replace(self, next_attempt_at=until)

    def refused(self, error: str) -> "Notification":
        """The mail server refused the recipient for good: failed after this one attempt."""
        return replace(self, status=NotificationStatus.FAILED, attempts=self.attempts + 1, next_attempt_at=None, last_error=error)

    def undeliverable(self, error: str) -> "Notification":
        """A notification that can never be rendered is failed at once, not retried."""
        return replace(self, status=NotificationStatus.FAILED, last_error=error)

    def failed_attempt(self, error: str, now: datetime) -> "Notification":
        attempts = self.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            return replace(self, status=NotificationStatus.FAILED, attempts=attempts, last_error=error)
        pause = min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=1))
        return replace(self, attempts=attempts, next_attempt_at=now + pause, last_error=error)
