"""Notify's unit of work in memory: each store a dict or list that behaves as its PostgreSQL store
does (what it locks aside), the events it emitted in a list, peers that answer what the test put in
them, a mailer that records or refuses, and a clock the test sets. Use cases and event handlers run
on it in milliseconds."""

import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from mentoring_contracts import Event, ParticipantJoined, ParticipantJoinedV1, ParticipantProfileUpdated
from mesh_notify.domain.digest import DigestSubscription
from mesh_notify.domain.inbox import Place
from mesh_notify.domain.messages import Message
from mesh_notify.domain.notification import Contact, Notification, NotificationStatus
from mesh_notify.domain.preferences import KINDS, Preference
from mesh_runtime.db import Cause
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.erasures import FakeErasures
from tests.support.identity import INSTITUTION


class FakeContacts:
    def __init__(self) -> None:
        self.by_id: dict[UUID, Contact] = {}

    async def upsert(self, contact: Contact) -> None:
        known = self.by_id.get(contact.participant_id)
        subject = contact.subject if contact.subject is not None or known is None else known.subject  # coalesce
        self.by_id[contact.participant_id] = replace(contact, subject=subject)

    async def get(self, participant_id: UUID) -> Contact | None:
        return self.by_id.get(participant_id)

    async def many(self, participant_ids: Iterable[UUID]) -> dict[UUID, Contact]:
        return {pid: self.by_id[pid] for pid in participant_ids if pid in self.by_id}

    async def remove(self, participant_id: UUID) -> bool:
        return self.by_id.pop(participant_id, None) is not None


class FakeNotifications:
    """``rows``: every notification by id, as the table keeps it."""

    def __init__(self, contacts: FakeContacts) -> None:
        self.rows: dict[UUID, Notification] = {}
        self._contacts = contacts

    async def add(self, notification: Notification) -> None:
        key = (notification.caused_by_event_id, notification.recipient_id, notification.template)
        if all((n.caused_by_event_id, n.recipient_id, n.template) != key for n in self.rows.values()):  # ON CONFLICT DO NOTHING
            self.rows[notification.notification_id] = notification

    async def next_due(self, now: datetime) -> Notification | None:
        due = [
            n
            for n in self.rows.values()
            if n.status is NotificationStatus.PENDING
            and n.next_attempt_at is not None
            and n.next_attempt_at <= now
            and n.recipient_id in self._contacts.by_id
        ]
        return min(due, key=lambda n: (n.next_attempt_at, n.created_at), default=None)

    async def cancel_reminders(self, session_id: UUID, before_revision: int | None, why: str) -> int:
        cancelled = [
            n
            for n in self.rows.values()
            if n.session_id == session_id
            and n.status is NotificationStatus.PENDING
            and n.template.startswith("session_reminder_")
            and (before_revision is None or (n.session_revision is not None and n.session_revision < before_revision))
        ]
        for n in cancelled:
            self.rows[n.notification_id] = n.cancelled(why)
        return len(cancelled)

    async def save(self, notification: Notification) -> None:
        self.rows[notification.notification_id] = notification

    async def forget_recipient(self, participant_id: UUID) -> int:
        theirs = [n for n in self.rows.values() if n.recipient_id == participant_id]
        for n in theirs:
            pending = n.status is NotificationStatus.PENDING
            self.rows[n.notification_id] = replace(
                n,
                context={},
                last_error="recipient erased: not sent" if pending else None,
                status=NotificationStatus.FAILED if pending else n.status,
                next_attempt_at=None,
            )
        return len(theirs)

    async def redact_mentions(self, participant_id: UUID) -> int:
        quoting = [
            n for n in self.rows.values() if n.recipient_id != participant_id and str(participant_id) in json.dumps(n.context)
        ]
        for n in quoting:
            context = {key: value for key, value in n.context.items() if key not in ("reason", "note", "message")}
            if "reasons" in n.context:
                context["reasons"] = []
            if "reflections" in n.context:
                context["reflections"] = [{k: v for k, v in r.items() if k != "notes"} for r in n.context["reflections"]]
            self.rows[n.notification_id] = replace(n, context=context)
        return len(quoting)

    def of(self, recipient_id: UUID) -> list[Notification]:
        """The recipient's, in the order they were planned."""
        return [n for n in self.rows.values() if n.recipient_id == recipient_id]


class FakeInbox:
    def __init__(self, notifications: FakeNotifications) -> None:
        self._notifications = notifications
        self.writes = 0

    @property
    def _rows(self) -> dict[UUID, Notification]:
        return self._notifications.rows

    async def place(self, recipient_id: UUID, notification_id: UUID) -> Place | None:
        found = self._rows.get(notification_id)
        return Place.of(found) if found and found.recipient_id == recipient_id else None

    async def unread_count(self, recipient_id: UUID) -> int:
        return sum(n.recipient_id == recipient_id and _unread(n) for n in self._rows.values())

    async def get_locked(self, notification_id: UUID) -> Notification | None:
        return self._rows.get(notification_id)

    async def record_read(self, notification: Notification) -> None:
        self.writes += 1
        self._rows[notification.notification_id] = replace(self._rows[notification.notification_id], read_at=notification.read_at)

    async def read_all(self, recipient_id: UUID, through: Place | None, at: datetime) -> int:
        marked = [
            n
            for n in self._rows.values()
            if n.recipient_id == recipient_id and _unread(n) and (through is None or Place.of(n) <= through)
        ]
        for n in marked:
            await self.record_read(n.read(at))
        return len(marked)


def _unread(notification: Notification) -> bool:
    return notification.status is NotificationStatus.SENT and notification.read_at is None


class FakePreferences:
    def __init__(self) -> None:
        self.by_participant: dict[UUID, dict[str, Preference]] = {}

    async def get(self, participant_id: UUID, kind: str) -> Preference:
        return self.by_participant.get(participant_id, {}).get(kind, Preference(kind))

    async def all_of(self, participant_id: UUID) -> list[Preference]:
        return [await self.get(participant_id, kind) for kind in KINDS]

    async def set(self, participant_id: UUID, preference: Preference) -> None:
        self.by_participant.setdefault(participant_id, {})[preference.kind] = preference

    async def forget(self, participant_id: UUID) -> None:
        self.by_participant.pop(participant_id, None)


class FakeSessionRevisions:
    def __init__(self) -> None:
        self.latest: dict[UUID, tuple[int, bool]] = {}  # revision, cancelled

    async def advance(self, session_id: UUID, revision: int, cancelled: bool = False) -> bool:
        known = self.latest.get(session_id)
        if known is not None and (known[1] or known[0] > revision):
            return False
        self.latest[session_id] = (revision, cancelled)
        return True


class FakeDigests:
    def __init__(self, notifications: FakeNotifications, contacts: FakeContacts) -> None:
        self.by_subject: dict[str, DigestSubscription] = {}
        self._notifications, self._contacts = notifications, contacts

    async def subscribe(self, subscription: DigestSubscription) -> None:
        known = self.by_subject.get(subscription.subject)
        self.by_subject[subscription.subject] = replace(subscription, last_sent_on=known.last_sent_on if known else None)

    async def get(self, subject: str) -> DigestSubscription | None:
        return self.by_subject.get(subject)

    async def unsubscribe(self, subject: str) -> bool:
        return self.by_subject.pop(subject, None) is not None

    async def drop(self, subject: str) -> bool:
        return await self.unsubscribe(subject)

    async def all_locked(self) -> Sequence[DigestSubscription]:
        return [self.by_subject[subject] for subject in sorted(self.by_subject)]

    async def counts(self, subscription: DigestSubscription, since: datetime, until: datetime) -> tuple[dict[str, int], int]:
        told = [
            n
            for n in self._notifications.rows.values()
            if since <= n.created_at < until
            and (contact := self._contacts.by_id.get(n.recipient_id)) is not None
            and contact.campus in subscription.campuses
        ]
        events: dict[str, set[UUID]] = {}
        for n in told:
            events.setdefault(n.template, set()).add(n.caused_by_event_id)
        return {template: len(ids) for template, ids in events.items()}, sum(n.status is NotificationStatus.FAILED for n in told)

    async def mark_sent(self, subject: str, day: date) -> None:
        self.by_subject[subject] = replace(self.by_subject[subject], last_sent_on=day)


class FakePeers:
    """What profile and matching would answer: ``contacts`` by participant, ``details`` by match."""

    def __init__(self) -> None:
        self.contacts: dict[UUID, Contact] = {}
        self.details: dict[UUID, dict[str, Any]] = {}

    async def contact_of(self, event: Event) -> Contact | None:
        if isinstance(event, ParticipantJoined | ParticipantJoinedV1 | ParticipantProfileUpdated):
            return self.contacts.get(event.participant_id)
        return None

    async def details_of(self, event: Event) -> dict[str, Any]:
        match_id = getattr(event, "match_id", None)
        return self.details.get(match_id, {}) if match_id else {}


@dataclass
class Sent:
    to_name: str
    to_email: str
    message: Message
    message_id: str
    trace_parent: str | None


class FakeMailer:
    """``sent``: what the mail server took; ``refuse``: raised by the next sends instead, until cleared."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.refuse: Exception | None = None

    async def send(
        self, *, to_name: str, to_email: str, message: Message, message_id: str, trace_parent: str | None = None
    ) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.sent.append(Sent(to_name, to_email, message, message_id, trace_parent))


@dataclass(frozen=True)
class Emitted:
    event: Event
    correlation_id: UUID | None
    causation_id: UUID | None


class FakeNotifyUnitOfWork:
    """``emitted``: every event emitted, in order, with the cause it named; ``purged``: whose published
    events were dropped from the outbox. ``handling`` makes it the unit of work of an event's handling."""

    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock or FixedClock()
        self.cause = Cause(institution=INSTITUTION)
        self.contacts = FakeContacts()
        self.notifications = FakeNotifications(self.contacts)
        self.inbox = FakeInbox(self.notifications)
        self.preferences = FakePreferences()
        self.session_revisions = FakeSessionRevisions()
        self.digests = FakeDigests(self.notifications, self.contacts)
        self.erasures = FakeErasures()
        self.peers = FakePeers()
        self.emitted: list[Emitted] = []
        self.purged: list[UUID] = []

    @asynccontextmanager
    async def run_naming(self, participant_ids: Iterable[UUID]) -> AsyncIterator[None]:
        """Nothing to read ahead or hold back: every store here is in memory."""
        yield

    @contextmanager
    def caused_by(self, cause: Cause) -> Iterator[None]:
        before, self.cause = self.cause, cause
        try:
            yield
        finally:
            self.cause = before

    def handling(self, *, occurred_at: datetime | None = None, trace_parent: str | None = None) -> "FakeNotifyUnitOfWork":
        """As the consumer builds it for a new event: caused by it (its id, its journey, when it happened)."""
        self.cause = Cause(
            correlation_id=uuid4(),
            causation_id=uuid4(),
            institution=INSTITUTION,
            occurred_at=occurred_at or self.clock.now() - self.clock.offset(),
            trace_parent=trace_parent,
        )
        return self

    async def emit(self, event: Event, *, correlation_id: UUID | None = None, causation_id: UUID | None = None) -> Event:
        self.emitted.append(
            Emitted(
                event, correlation_id or self.cause.correlation_id, causation_id if correlation_id else self.cause.causation_id
            )
        )
        return event

    async def purge_published_mentions(self, participant_id: UUID) -> int:
        self.purged.append(participant_id)
        return 0

    def emitted_types(self) -> list[str]:
        return [type(e.event).__name__ for e in self.emitted]
