"""Use case: an event happened; record who must be told, and when, to deliver it after commit."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from mentoring_contracts import EventEnvelope, SessionCancelled, SessionCompleted, SessionRescheduled, SessionScheduled
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.notification import Contact, Notification
from mesh_notify.domain.planning import context_of, recipients
from mesh_notify.domain.preferences import hold_until, kind_of
from mesh_notify.domain.reminders import reminder_moments

NEWEST = 2**31 - 1  # a cancellation without a revision (history) outranks every move
# News that waited longer than this to reach notify (history read by a new subscription, a long
# outage) is not mailed: told a week late it misleads more than it helps. Reminders still come.
STALE_AFTER = timedelta(days=7)


async def plan_notifications(
    uow: NotifyUnitOfWork,
    envelope: EventEnvelope[Any],
    contact: Contact | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """``contact``: the participant a profile event is about, as the profile service has them (contacts
    follow the profile); ``details``: what the messages quote that the event does not carry (a
    match's reasons), kept with each notification until it is delivered or its people are erased.

    News that reached notify over a week after it happened is not mailed (reminders still are).
    A changed email address is told at the new one and at the old one (without naming the new). A kind the recipient turned off is not planned; one inside their quiet hours waits for their
    end. A session's scheduling or move also plans its reminders, and a move or cancellation
    cancels the reminders of its earlier time (a completion, all of them); a word on a session older than one already heard
    (a redelivered or late event) plans nothing."""
    event = envelope.data
    now = now or datetime.now(UTC)
    extra: list[tuple[UUID, str, UUID | None]] = []
    known = None
    if contact is not None:
        known = await uow.contacts.get(contact.participant_id)
        if known is not None and known.email.casefold() != contact.email.casefold():
            extra.append((contact.participant_id, "email_changed", None))  # told at the new address
            extra.append((contact.participant_id, "email_changed_away", None))  # and at the old one
        await uow.contacts.upsert(contact)
    revision = _revision(event)
    latest = revision is None or await uow.sessions.advance(
        event.session_id, revision, cancelled=isinstance(event, SessionCancelled)
    )
    if not latest:
        return []
    if isinstance(event, SessionRescheduled | SessionCancelled):
        await uow.notifications.cancel_reminders(event.session_id, revision, "the session moved or was cancelled")
    if isinstance(event, SessionCompleted):  # recorded as done before it was due: nothing to remind of
        await uow.notifications.cancel_reminders(event.session_id, None, "the session was recorded as done")
    stale = datetime.now(UTC) - envelope.time > STALE_AFTER  # by the machine: how long it waited, not the story's time
    planned = []
    for recipient_id, template, partner_id in [*recipients(event), *extra]:
        context = context_of(event) | (details or {}) | {"partner_id": str(partner_id) if partner_id else None}
        if template == "email_changed_away" and known is not None:
            context = {"send_to": known.email}  # the old address: the one mail that does not go to the contact's
        moments = [] if stale else [(template, await _first_moment(uow, recipient_id, template, context, now))]
        if isinstance(event, SessionScheduled | SessionRescheduled):
            moments += await _reminders(uow, recipient_id, event.starts_at, now)
        for chosen, moment in moments:
            if moment is None:
                continue
            notification = Notification(
                notification_id=uuid4(),
                recipient_id=recipient_id,
                template=chosen,
                context=context,
                caused_by_event_id=envelope.id,
                correlation_id=envelope.correlationid,
                created_at=now,
                next_attempt_at=moment,
                session_id=getattr(event, "session_id", None),
                session_revision=revision,
                trace_parent=envelope.traceparent,
            )
            await uow.notifications.add(notification)
            planned.append(notification)
    return planned


def _revision(event: object) -> int | None:
    """A session event's place in the session's story: 0 scheduled, each move one more, the cancel last."""
    if isinstance(event, SessionScheduled):
        return 0
    if isinstance(event, SessionRescheduled):
        return event.revision or 1
    if isinstance(event, SessionCancelled):
        return event.revision or NEWEST
    return None


async def _first_moment(
    uow: NotifyUnitOfWork, recipient_id: UUID, template: str, context: dict[str, Any], now: datetime
) -> datetime | None:
    """Now, or the end of the recipient's quiet hours for this kind; None when they turned it off."""
    kind = kind_of(template)
    preference = await uow.preferences.get(recipient_id, kind)
    if not preference.enabled:
        return None
    recipient = await uow.contacts.get(recipient_id)
    return hold_until(now, template, context, preference, recipient.time_zone) if recipient else now


async def _reminders(
    uow: NotifyUnitOfWork, recipient_id: UUID, starts_at: datetime, now: datetime
) -> list[tuple[str, datetime | None]]:
    recipient = await uow.contacts.get(recipient_id)
    preference = await uow.preferences.get(recipient_id, "reminders")
    return list(reminder_moments(starts_at, now, preference, recipient.time_zone if recipient else "UTC"))
