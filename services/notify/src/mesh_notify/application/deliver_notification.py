"""Use case: deliver the next due notification and record the delivery as an event."""

import re
from datetime import datetime
from uuid import UUID

import structlog

from mentoring_contracts import NotificationFailed, NotificationSent
from mesh_notify.application.ports import Mailer, NotifyUnitOfWork, RefusedForGood
from mesh_notify.domain.mails import render
from mesh_notify.domain.messages import Links
from mesh_notify.domain.notification import Contact, Notification, NotificationStatus
from mesh_notify.domain.preferences import first_allowed, hold_until, kind_of
from mesh_notify.domain.reminders import LEADS

log = structlog.get_logger(__name__)


async def deliver_next(uow: NotifyUnitOfWork, mailer: Mailer, links: Links) -> Notification | None:
    """Returns the notification handled (sent, deferred, cancelled, or with its failed attempt
    recorded), or None when nothing is due. Delivery is at least once: a crash after the server
    accepted the mail but before commit sends it again, with the same Message-ID so clients can
    fold duplicates. The recipient's preferences are read again now: a kind turned off since it
    was planned is not sent, and quiet hours begun since make it wait (a reminder that would wait
    past its session is not sent)."""
    now = uow.clock.now()
    notification = await uow.notifications.next_due(now)
    if notification is None:
        return None
    with structlog.contextvars.bound_contextvars(
        correlation_id=str(notification.correlation_id), event_id=str(notification.caused_by_event_id)
    ):
        return await _deliver(uow, mailer, links, notification, now)


async def _deliver(
    uow: NotifyUnitOfWork, mailer: Mailer, links: Links, notification: Notification, now: datetime
) -> Notification:
    recipient = await uow.contacts.get(notification.recipient_id)
    assert recipient is not None, "next_due only returns notifications whose recipient is known"
    if (held := await _held_back(uow, notification, recipient, now)) is not None:
        await uow.notifications.save(held)
        return held
    partner_id = notification.context.get("partner_id")
    partner = await uow.contacts.get(UUID(partner_id)) if partner_id else None
    try:
        message = render(notification, recipient, partner, links.matching, links.scheduling)
    except (KeyError, ValueError, TypeError) as error:
        failed = notification.undeliverable(f"cannot render {notification.template}: {type(error).__name__}: {error}")
        log.error("notification cannot be rendered", notification_id=str(notification.notification_id), error=failed.last_error)
        await _record_failure(uow, failed, now=now)
        return failed
    try:
        await mailer.send(
            to_name=recipient.display_name,
            to_email=notification.context.get("send_to") or recipient.email,
            message=message,
            message_id=f"<{notification.notification_id}@mentoring-mesh>",
            trace_parent=notification.trace_parent,
        )
    except RefusedForGood as error:
        failed = notification.refused(
            without_contact(f"the mail server refused the recipient: {error}", recipient, notification.context.get("send_to"))
        )
        log.warning("recipient refused for good", notification_id=str(notification.notification_id), error=failed.last_error)
        await _record_failure(uow, failed, now=now)
        return failed
    except Exception as error:  # noqa: BLE001 - any delivery failure is retried, not lost
        # Mail servers quote the address they refused; NotificationFailed is an event, and no event
        # carries an address, so the error is kept without it.
        reason = without_contact(f"{type(error).__name__}: {error}", recipient, notification.context.get("send_to"))
        updated = notification.failed_attempt(reason, now)
        log.warning(
            "delivery failed",
            notification_id=str(notification.notification_id),
            attempts=updated.attempts,
            status=updated.status.value,
            error=reason,
        )
        await _record_failure(uow, updated, now=now)
        return updated
    sent = notification.sent(now)
    await uow.notifications.save(sent)
    await uow.emit(
        NotificationSent(
            notification_id=sent.notification_id,
            recipient_id=sent.recipient_id,
            template=sent.template,
            caused_by_event_id=sent.caused_by_event_id,
            sent_at=now,
        ),
        correlation_id=sent.correlation_id,
        causation_id=sent.caused_by_event_id,
    )
    log.info("notification sent", notification_id=str(sent.notification_id), template=sent.template)
    return sent


async def _held_back(uow: NotifyUnitOfWork, notification: Notification, recipient: Contact, now: datetime) -> Notification | None:
    """Cancelled (kind turned off; a reminder whose session has begun, or that quiet hours would
    hold past it) or deferred to the end of quiet hours; None when it goes now."""
    preference = await uow.preferences.get(notification.recipient_id, kind_of(notification.template))
    if not preference.enabled:
        return notification.cancelled(f"{preference.kind} notifications are turned off by the recipient")
    starts_at = notification.context.get("starts_at")
    reminder_of = datetime.fromisoformat(starts_at) if notification.template in LEADS and starts_at else None
    if reminder_of is not None and now >= reminder_of:
        return notification.cancelled("the session began before the reminder could go")
    planned = notification.next_attempt_at or now
    if reminder_of is not None and first_allowed(planned, preference, recipient.time_zone) == planned:
        return None  # planned outside the quiet hours (just before them, maybe): a late delivery still goes
    allowed = hold_until(now, notification.template, notification.context, preference, recipient.time_zone)
    if allowed <= now:
        return None
    if reminder_of is not None and allowed >= reminder_of:
        return notification.cancelled("quiet hours last until the session starts")
    return notification.deferred(allowed)


def without_contact(text: str, contact: Contact, other_address: str | None = None) -> str:
    """The text with the recipient's addresses and name replaced, however the server cased them."""
    for personal, placeholder in (
        (contact.email, "<recipient address>"),
        (other_address, "<recipient address>"),
        (contact.display_name, "<recipient>"),
    ):
        if personal:
            text = re.sub(re.escape(personal), placeholder, text, flags=re.IGNORECASE)
    return text


async def _record_failure(uow: NotifyUnitOfWork, notification: Notification, now: datetime) -> None:
    """A failed attempt is saved; giving up is also announced, so no failure goes unseen."""
    await uow.notifications.save(notification)
    if notification.status is NotificationStatus.FAILED:
        await uow.emit(
            NotificationFailed(
                notification_id=notification.notification_id,
                recipient_id=notification.recipient_id,
                template=notification.template,
                caused_by_event_id=notification.caused_by_event_id,
                attempts=notification.attempts,
                error=(notification.last_error or "unknown")[:2000],
                failed_at=now,
            ),
            correlation_id=notification.correlation_id,
            causation_id=notification.caused_by_event_id,
        )
