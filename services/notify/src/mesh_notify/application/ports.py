"""What the notify use cases need from the outside world."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol
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
    async def subscribe(self, subscription: DigestSubscription) -> None: ...
    async def get(self, subject: str) -> DigestSubscription | None: ...
    async def unsubscribe(self, subject: str) -> bool: ...
    async def all_locked(self) -> Sequence[DigestSubscription]:
        """Every subscription of the unit of work's institution; another replica's are skipped."""
        ...

    async def counts(self, subscription: DigestSubscription, since: datetime, until: datetime) -> tuple[dict[str, int], int]: ...
    async def mark_sent(self, subject: str, day: date) -> None: ...
    async def drop(self, subject: str) -> bool: ...


class Erasures(Protocol):
    async def remember(self, participant_id: UUID, at: datetime) -> None: ...
    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]: ...


class Cause(Protocol):
    """Why a unit of work acts (the runtime's ``Cause``): the journey, and the event it handles, if any."""

    @property
    def correlation_id(self) -> UUID | None: ...
    @property
    def causation_id(self) -> UUID | None: ...
    @property
    def occurred_at(self) -> datetime | None:
        """When the causing event happened, by its producer's (the machine's) clock."""
        ...

    @property
    def trace_parent(self) -> str | None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The service's time: the machine's, moved ahead by a demo's offset."""
        ...

    def offset(self) -> timedelta:
        """How far ``now`` runs ahead of the machine's clock (a demo's; none in production)."""
        ...


class Peers(Protocol):
    """What a mail says that its event does not carry, read from the services that own it."""

    async def contact_of(self, event: Event) -> Contact | None:
        """The participant a profile event is about, as profile has them (None: any other event, or erased)."""
        ...

    async def details_of(self, event: Event) -> dict[str, Any]:
        """The words its mails quote (a match's reasons, a coordinator's note or message)."""
        ...


class NotifyUnitOfWork(Protocol):
    """Read-only members: any store that keeps to its port will do (PostgreSQL's, or a test's)."""

    @property
    def contacts(self) -> Contacts: ...
    @property
    def digests(self) -> Digests: ...
    @property
    def erasures(self) -> Erasures: ...
    @property
    def inbox(self) -> Inbox: ...
    @property
    def notifications(self) -> Notifications: ...
    @property
    def preferences(self) -> Preferences: ...
    @property
    def session_revisions(self) -> SessionRevisions: ...
    @property
    def peers(self) -> Peers: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def cause(self) -> Cause:
        """Why it acts: an event's handling is caused by the event (``causation_id``) and continues its trace."""
        ...

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
