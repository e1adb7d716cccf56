"""A notifications row as the domain's Notification."""

import asyncpg

from mesh_notify.domain.notification import Notification, NotificationStatus


def notification_from_row(row: asyncpg.Record) -> Notification:
    return Notification(
        notification_id=row["notification_id"],
        recipient_id=row["recipient_id"],
        template=row["template"],
        context=row["context"],
        caused_by_event_id=row["caused_by_event_id"],
        correlation_id=row["correlation_id"],
        created_at=row["created_at"],
        status=NotificationStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        session_id=row["session_id"],
        session_revision=row["session_revision"],
        trace_parent=row["trace_parent"],
        sent_at=row["sent_at"],
        read_at=row["read_at"],
    )
