"""Events of the notification aggregate: one message to one participant."""

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from mentoring_contracts.events.base import Event
from mentoring_contracts.topics import NOTIFICATIONS


class NotificationSent(Event):
    """A notification was handed to the delivery channel (an SMTP server accepted it)."""

    name: ClassVar[str] = "NotificationSent"
    topic: ClassVar = NOTIFICATIONS
    aggregate_field: ClassVar[str] = "notification_id"

    notification_id: UUID
    recipient_id: UUID
    channel: Literal["email"] = "email"
    template: str = Field(examples=["match_proposed"])
    caused_by_event_id: UUID = Field(description="The event this notification tells about.")
    sent_at: AwareDatetime
