"""What the notify use cases need from the outside world."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from mentoring_contracts import Event
from mesh_notify.domain.digest import DigestSubscription
from mesh_notify.domain.inbox import Place
from mesh_notify.domain.messages import Message
from mesh_notify.domain.notification import Contact, Notification
from mesh_notify.domain.preferences import Preference


class Contacts(Protocol):
    async def upsert(self, contact: Contact) -> None: ...
    async def get(self, participant_id: UUID) -> Contact | None: ...
    async def remove(self, participant_id: UUID) -> bool: ...


class Notifications(Protocol):
    async def add(self, notification: Notification) -> None: ...
    async def next_due(self, now: datetime) -> Notification | None:
        """The oldest pending notification due by ``now`` whose recipient is known, locked for delivery."""
        ...

    async def cancel_reminders(self, session_id: UUID, before_revision: int | None, why: str) -> int:
        """Pending reminders of a session planned for an earlier revision (None: every one)."""
        ...

    async def save(self, notification: Notification) -> None: ...
    async def forget_recipient(self, participant_id: UUID) -> int:
        """Their notifications keep only what counts (template, status, dates: when each was sent and read);
        pending ones are never sent."""
        ...

    async def redact_mentions(self, participant_id: UUID) -> int:
        """Others' notifications that quote them lose the quotes (reasons, reflections' words, free-text reasons)."""
        ...


class Inbox(Protocol):
    async def place(self, recipient_id: UUID, notification_id: UUID) -> Place | None:
        """Where the notification stands in the recipient's inbox; None when it is not theirs."""
        ...

    async def unread_count(self, recipient_id: UUID) -> int: ...
    async def get_locked(self, notification_id: UUID) -> Notification | None: ...
    async def record_read(self, notification: Notification) -> None:
        """Stores when it was read (None: unread)."""
        ...

    async def read_all(self, recipient_id: UUID, through: Place | None, at: datetime) -> int:
        """Every sent one still unread (up to and including ``through``) is read at ``at``; how many."""
        ...


class Preferences(Protocol):
    async def get(self, participant_id: UUID, kind: str) -> Preference: ...
    async def all_of(self, participant_id: UUID) -> list[Preference]: ...
    async def set(self, participant_id: UUID, preference: Preference) -> None: ...
    async def forget(self, participant_id: UUID) -> None: ...


class SessionRevisions(Protocol):
    async def advance(self, session_id: UUID, revision: int, cancelled: bool = False) -> bool:
        """Records this word on the session; True when it is the latest (nothing newer, not cancelled before)."""
        ...


class Digests(Protocol):
    async def all_locked(self) -> Sequence[DigestSubscription]: ...
    async def counts(self, subscription: DigestSubscription, since: datetime, until: datetime) -> tuple[dict[str, int], int]: ...
    async def mark_sent(self, subject: str, day: date) -> None: ...
    async def drop(self, subject: str) -> bool: ...


class Erasures(Protocol):
    async def remember(self, participant_id: UUID, at: datetime) -> None: ...
    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]: ...


class NotifyUnitOfWork(Protocol):
    contacts: Contacts
    erasures: Erasures
    inbox: Inbox
    notifications: Notifications
    preferences: Preferences
    sessions: SessionRevisions

    async def emit(self, event: Event, *, correlation_id: UUID | None = None, causation_id: UUID | None = None) -> object:
        """Deliveries happen outside any event's handling, so they name their cause explicitly."""
        ...

    async def purge_published_mentions(self, participant_id: UUID) -> int: ...


class RefusedForGood(Exception):
    """The mail server refused the recipient permanently (a 5xx reply): trying again cannot help."""


class Mailer(Protocol):
    async def send(
        self, *, to_name: str, to_email: str, message: Message, message_id: str, trace_parent: str | None = None
    ) -> None:
        """Hand the message to the mail server; raises RefusedForGood on a permanent refusal, any
        other exception when it was not accepted this time. ``trace_parent``: the trace it continues."""
        ...
