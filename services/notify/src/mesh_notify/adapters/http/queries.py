"""What notify's routes read that no use case does: one notification as stored, a page's place."""

from uuid import UUID

import asyncpg

from mesh_notify.adapters.postgres.inbox import PostgresInbox
from mesh_notify.adapters.postgres.rows import notification_from_row
from mesh_notify.application.errors import NotTheirs
from mesh_notify.domain.inbox import Place
from mesh_notify.domain.notification import Notification


async def notification(connection: asyncpg.Connection, notification_id: UUID) -> Notification | None:
    row = await connection.fetchrow("SELECT * FROM notifications WHERE notification_id = $1", notification_id)
    return notification_from_row(row) if row else None


async def place(inbox: PostgresInbox, recipient_id: UUID, name: str, cursor: UUID | None) -> Place | None:
    """Where a page starts (``name``: before or after): None without a cursor; NotTheirs for a cursor
    that is not one of the recipient's."""
    if cursor is None:
        return None
    if (found := await inbox.place(recipient_id, cursor)) is None:
        raise NotTheirs(f"{name} names no notification of recipient {recipient_id}")
    return found
