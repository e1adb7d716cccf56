"""Use case: a recipient reads their notifications in the app, or marks one unread again.

Only the recipient says what they have read (their admin may read their notifications, not mark
them); only a sent notification is in the inbox."""

from collections.abc import Callable
from uuid import UUID

from mesh_notify.application.errors import NotTheirs, RecipientOnly
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.notification import Notification


async def mark_read(uow: NotifyUnitOfWork, notification_id: UUID, by: str) -> Notification | None:
    """Read now, or when it was first read; None when there is no such notification. ``by``: the
    caller's account. Raises RecipientOnly for anyone else's, NotInInbox for one not sent."""
    now = uow.clock.now()
    return await _mark(uow, notification_id, by, lambda found: found.read(now))


async def mark_unread(uow: NotifyUnitOfWork, notification_id: UUID, by: str) -> Notification | None:
    """Unread again (as it was until read); None when there is no such notification. Raises
    RecipientOnly for anyone else's, NotInInbox for one not sent."""
    return await _mark(uow, notification_id, by, lambda found: found.unread())


async def _mark(
    uow: NotifyUnitOfWork, notification_id: UUID, by: str, change: Callable[[Notification], Notification]
) -> Notification | None:
    found = await uow.inbox.get_locked(notification_id)
    if found is None:
        return None
    await _the_recipient_only(uow, found.recipient_id, by)
    marked = change(found)
    if marked.read_at != found.read_at:
        await uow.inbox.record_read(marked)
    return marked


async def mark_all_read(uow: NotifyUnitOfWork, recipient_id: UUID, through: UUID | None, by: str) -> int:
    """Every sent notification of the recipient still unread is read now; with ``through`` (the
    newest one they saw), only it and those before it. Returns how many were marked; raises
    RecipientOnly unless ``by`` is the recipient, NotTheirs when ``through`` is not one of theirs."""
    await _the_recipient_only(uow, recipient_id, by)
    place = None
    if through is not None and (place := await uow.inbox.place(recipient_id, through)) is None:
        raise NotTheirs(f"notification {through} is not one of {recipient_id}'s")
    return await uow.inbox.read_all(recipient_id, place, uow.clock.now())


async def _the_recipient_only(uow: NotifyUnitOfWork, recipient_id: UUID, by: str) -> None:
    recipient = await uow.contacts.get(recipient_id)
    if recipient is None or recipient.subject != by:
        raise RecipientOnly("only the recipient marks what they have read")
