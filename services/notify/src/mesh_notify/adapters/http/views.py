"""How a notification reads over HTTP: its delivery, its place in the recipient's inbox, and its subject line."""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from mesh_notify.adapters.postgres.contacts import PostgresContacts
from mesh_notify.domain.mails import render
from mesh_notify.domain.messages import Links, Message
from mesh_notify.domain.notification import Contact, Notification

Status = Literal["pending", "sent", "failed", "cancelled"]


class NotificationView(BaseModel):
    notification_id: UUID
    recipient_id: UUID
    template: str
    status: Status
    subject: str | None = Field(
        default=None, description="The mail's subject line, in the recipient's time zone; none once its words are erased."
    )
    body: str | None = Field(
        default=None,
        description="The mail's text, as plain text, when one notification is "
        "asked for (none in lists); none once its words are erased.",
    )
    due_at: datetime | None = Field(
        default=None, description="When a pending one is (next) sent: a reminder's moment, after quiet hours."
    )
    sent_at: datetime | None = Field(default=None, description="When it was sent: from then on it is in the recipient's inbox.")
    read_at: datetime | None = Field(default=None, description="When its recipient read it; none while unread.")
    match_id: UUID | None = Field(default=None, description="The match it is about, if any.")
    session_id: UUID | None = Field(default=None, description="The session it is about: a reminder's, a session mail's.")
    partner_id: UUID | None = Field(default=None, description="The other participant it is about, if any.")
    attempts: int
    last_error: str | None
    caused_by_event_id: UUID
    correlation_id: UUID
    created_at: datetime

    @classmethod
    def of(cls, n: Notification, subject: str | None = None, body: str | None = None) -> "NotificationView":
        return cls(
            notification_id=n.notification_id,
            recipient_id=n.recipient_id,
            template=n.template,
            status=n.status.value,
            subject=subject,
            body=body,
            due_at=n.next_attempt_at,
            sent_at=n.sent_at,
            read_at=n.read_at,
            match_id=_id(n.context.get("match_id")),
            session_id=n.session_id or _id(n.context.get("session_id")),
            partner_id=_id(n.context.get("partner_id")),
            attempts=n.attempts,
            last_error=n.last_error,
            caused_by_event_id=n.caused_by_event_id,
            correlation_id=n.correlation_id,
            created_at=n.created_at,
        )


async def views(
    contacts: PostgresContacts, links: Links, notifications: Sequence[Notification], *, with_body: bool = False
) -> list[NotificationView]:
    """Each with its subject (and its text, ``with_body``), as its recipient's mail said it (their zone,
    their partner's name now)."""
    named = {n.recipient_id for n in notifications} | {p for n in notifications if (p := _id(n.context.get("partner_id")))}
    known = await contacts.many(named) if named else {}
    found = []
    for n in notifications:
        message = _message(n, known, links)
        found.append(
            NotificationView.of(
                n, subject=message.subject if message else None, body=message.body if message and with_body else None
            )
        )
    return found


def _message(notification: Notification, contacts: dict[UUID, Contact], links: Links) -> Message | None:
    recipient = contacts.get(notification.recipient_id)
    if recipient is None:
        return None  # erased, or not known yet
    partner_id = _id(notification.context.get("partner_id"))
    try:
        return render(notification, recipient, contacts.get(partner_id) if partner_id else None, links.matching, links.scheduling)
    except (KeyError, ValueError, TypeError):
        return None  # its words are erased (or it never could be rendered: then it failed)


def _id(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None
