"""Use case: an event happened; record who must be told, and when, to deliver it after commit."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from mentoring_contracts import Event, SessionCancelled, SessionCompleted, SessionRescheduled, SessionScheduled
from mesh_notify.application.ports import NotifyUnitOfWork
from mesh_notify.domain.mails import ADDRESS_CHANGED, context_of, recipients
from mesh_notify.domain.notification import Contact, Notification
from mesh_notify.domain.preferences import hold_until, kind_of
from mesh_notify.domain.reminders import reminder_moments

NEWEST = 2**31 - 1  # a cancellation without a revision (history) outranks every move
# News that waited longer than this to reach notify (history read by a new subscription, a long
# outage) is not mailed: told a week late it misleads more than it helps. Reminders still come.
STALE_AFTER = timedelta(days=7)
TOLD_AT_THE_NEW_ADDRESS, TOLD_AT_THE_OLD_ADDRESS = (mail.template for mail in ADDRESS_CHANGED)


async def plan_notifications(
    uow: NotifyUnitOfWork, event: Event, contact: Contact | None = None, details: dict[str, Any] | None = None
) -> list[Notification]:
    """``event``: the one the unit of work's cause names; ``contact``: the participant a profile event
    is about, as the profile service has them (contacts follow the profile); ``details``: what the
    messages quote that the event does not carry (a match's reasons), kept with each notification
    until it is delivered or its people are erased.

    News that reached notify over a week after it happened is not mailed (reminders still are).
    A changed email address is told at the new one and at the old one (without naming the new). A kind the recipient turned off is not planned; one inside their quiet hours waits for their
    end. A session's scheduling or move also plans its reminders, and a move or cancellation
    cancels the reminders of its earlier time (a completion, all of them); a word on a session older than one already heard
    (a redelivered or late event) plans nothing."""
    now = uow.clock.now()
    cause = uow.cause
    assert cause.causation_id and cause.correlation_id, "planned only while an event is handled"
    extra: list[tuple[UUID, str, UUID | None]] = []
    known = None
    if contact is not None:
        known = await uow.contacts.get(contact.participant_id)
        if known is not None and known.email.casefold() != contact.email.casefold():
            extra.append((contact.participant_id, TOLD_AT_THE_NEW_ADDRESS, None))
            extra.append((contact.participant_id, TOLD_AT_THE_OLD_ADDRESS, None))
        await uow.contacts.upsert(contact)
    revision = _revision(event)
    latest = revision is None or await uow.session_revisions.advance(
        event.session_id,  # type: ignore[attr-defined]  # a session event: it has a revision
        revision,
        cancelled=isinstance(event, SessionCancelled),
    )
    if not latest:
        return []
    if isinstance(event, SessionRescheduled | SessionCancelled):
        await uow.notifications.cancel_reminders(event.session_id, revision, "the session moved or was cancelled")
    if isinstance(event, SessionCompleted):  # recorded as done before it was due: nothing to remind of
        await uow.notifications.cancel_reminders(event.session_id, None, "the session was recorded as done")
    stale = _waited(uow, now) > STALE_AFTER
    planned = []
    for recipient_id, template, partner_id in [*recipients(event), *extra]:
        context = context_of(event) | (details or {}) | {"partner_id": str(partner_id) if partner_id else None}
        if template == TOLD_AT_THE_OLD_ADDRESS and known is not None:
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
                caused_by_event_id=cause.causation_id,
                correlation_id=cause.correlation_id,
                created_at=now,
                next_attempt_at=moment,
                session_id=getattr(event, "session_id", None),
                session_revision=revision,
                trace_parent=cause.trace_parent,
            )
            await uow.notifications.add(notification)
            planned.append(notification)
    return planned


def _waited(uow: NotifyUnitOfWork, now: datetime) -> timedelta:
    """How long the event took to reach notify, by the machine's clock: events are stamped by it, so
    a demo's clock moved weeks ahead does not make today's news stale."""
    occurred_at = uow.cause.occurred_at
    return timedelta() if occurred_at is None else now - uow.clock.offset() - occurred_at


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
