"""A recipient's in-app inbox: what notify sent them, each read or unread.

Rules: the inbox lists a recipient's notifications by when each was sent (one not sent: when it was
planned), then by template and id, so every one has a place of its own and a page can start right
after another's. Marking all read may stop at the newest one the person saw: one that came after
stays unread. A place is named by a notification of the same recipient, never of another.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mesh_notify.domain.notification import Notification


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """Where a notification stands in its recipient's inbox, oldest first."""

    at: datetime
    template: str
    notification_id: UUID

    @classmethod
    def of(cls, notification: Notification) -> "Place":
        return cls(notification.sent_at or notification.created_at, notification.template, notification.notification_id)
