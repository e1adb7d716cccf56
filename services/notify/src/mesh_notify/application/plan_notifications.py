"""Use case: an event happened; record who must be told, to deliver it after commit."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from mentoring_contracts import EventEnvelope
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.notification import Contact, Notification
from mesh_notify.domain.planning import context_of, recipients


async def plan_notifications(uow: NotifyUnitOfWork, envelope: EventEnvelope[Any], contact: Contact | None = None,
                             details: dict[str, Any] | None = None) -> list[Notification]:
    """``contact``: the participant a profile event is about, as the profile service has them (contacts
    follow the profile); ``details``: what the messages quote that the event does not carry (a
    match's reasons), kept with each notification until it is delivered or its people are erased."""
    event = envelope.data
    if contact is not None:
        await uow.contacts.upsert(contact)
    planned = []
    now = datetime.now(UTC)
    for recipient_id, template, partner_id in recipients(event):
        context = context_of(event) | (details or {}) | {"partner_id": str(partner_id) if partner_id else None}
        notification = Notification(
            notification_id=uuid4(),
            recipient_id=recipient_id,
            template=template,
            context=context,
            caused_by_event_id=envelope.id,
            correlation_id=envelope.correlationid,
            created_at=now,
            next_attempt_at=now,
        )
        await uow.notifications.add(notification)
        planned.append(notification)
    return planned
