"""What the notify use cases need from the outside world."""

from typing import Protocol
from uuid import UUID

from mentoring_contracts import Event
from mesh_notify.domain.messages import Message
from mesh_notify.domain.notification import Contact, Notification


class Contacts(Protocol):
    async def upsert(self, contact: Contact) -> None: ...
    async def get(self, participant_id: UUID) -> Contact | None: ...


class Notifications(Protocol):
    async def add(self, notification: Notification) -> None: ...
    async def next_due(self) -> Notification | None:
        """The oldest pending notification due now whose recipient is known, locked for delivery."""
        ...

    async def save(self, notification: Notification) -> None: ...


class NotifyUnitOfWork(Protocol):
    contacts: Contacts
    notifications: Notifications

    async def emit(self, event: Event, *, correlation_id: UUID | None = None, causation_id: UUID | None = None) -> object:
        """Deliveries happen outside any event's handling, so they name their cause explicitly."""
        ...


class Mailer(Protocol):
    async def send(self, *, to_name: str, to_email: str, message: Message, message_id: str) -> None:
        """Hand the message to the mail server; raises when it was not accepted."""
        ...
