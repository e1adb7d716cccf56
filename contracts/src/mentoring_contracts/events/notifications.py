"""Events of the notification aggregate (key: notification_id): one message to one participant."""

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from mentoring_contracts.events.base import Event, Instant, ParticipantId
from mentoring_contracts.topics import NOTIFICATIONS

NotificationId = UUID
Channel = Literal["email"]


class _NotificationEvent(Event):
    topic: ClassVar = NOTIFICATIONS
    aggregate_field: ClassVar[str] = "notification_id"


class NotificationSent(_NotificationEvent):
    """A notification was handed to the delivery channel (an SMTP server accepted it)."""

    name: ClassVar[str] = "NotificationSent"

    notification_id: NotificationId = Field(
        description="The notification's id.", examples=["3e4d5f6a-7b8c-4d2e-9c1b-0a9b8c7d6e5f"]
    )
    recipient_id: ParticipantId = Field(description="Who it was for.")
    channel: Channel = Field(default="email", description="How it was sent.", examples=["email"])
    template: str = Field(description="Which message it was.", examples=["match_proposed"])
    caused_by_event_id: UUID = Field(
        description="The event this notification tells about.", examples=["7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918"]
    )
    sent_at: Instant = Field(description="When the channel accepted it.")


class NotificationFailed(_NotificationEvent):
    """A notification could not be delivered and will not be retried."""

    name: ClassVar[str] = "NotificationFailed"

    notification_id: NotificationId = Field(
        description="The notification's id.", examples=["3e4d5f6a-7b8c-4d2e-9c1b-0a9b8c7d6e5f"]
    )
    recipient_id: ParticipantId = Field(description="Who it was for.")
    channel: Channel = Field(default="email", description="How it was to be sent.", examples=["email"])
    template: str = Field(description="Which message it was.", examples=["session_scheduled"])
    caused_by_event_id: UUID = Field(
        description="The event this notification tells about.", examples=["7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918"]
    )
    attempts: int = Field(ge=0, description="How many deliveries were tried.", examples=[8])
    error: str = Field(max_length=2000, description="The last error.", examples=["SMTP 550 mailbox unavailable"])
    failed_at: Instant = Field(description="When it was given up.")
