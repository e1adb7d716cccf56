"""Use case: a recipient reads their notifications in the app, or marks one unread again."""

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.inbox import NotTheRecipients
from mesh_notify.domain.notification import Notification


async def mark_read(uow: NotifyUnitOfWork, notification_id: UUID, now: datetime) -> Notification | None:
    """Read at ``now``, or when it was first read; None when there is no such notification.
    Raises NotInInbox for one not sent."""
    return await _mark(uow, notification_id, lambda found: found.read(now))


async def mark_unread(uow: NotifyUnitOfWork, notification_id: UUID) -> Notification | None:
    """Unread again (as it was until read); None when there is no such notification. Raises NotInInbox
    for one not sent."""
    return await _mark(uow, notification_id, lambda found: found.unread())


async def _mark(
    uow: NotifyUnitOfWork, notification_id: UUID, change: Callable[[Notification], Notification]
) -> Notification | None:
    found = await uow.inbox.get_locked(notification_id)
    if found is None:
        return None
    marked = change(found)
    if marked.read_at != found.read_at:
        await uow.inbox.record_read(marked)
    return marked


async def mark_all_read(uow: NotifyUnitOfWork, recipient_id: UUID, through: UUID | None, now: datetime) -> int:
    """Every sent notification of the recipient still unread is read at ``now``; with ``through`` (the
    newest one they saw), only it and those before it. Returns how many were marked; raises
    NotTheRecipients when ``through`` is not one of theirs."""
    place = None
    if through is not None and (place := await uow.inbox.place(recipient_id, through)) is None:
        raise NotTheRecipients(f"notification {through} is not one of {recipient_id}'s")
    return await uow.inbox.read_all(recipient_id, place, now)
