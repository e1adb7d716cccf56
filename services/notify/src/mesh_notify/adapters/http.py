"""The notify service's HTTP API: what was (or will be) sent to whom."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mesh_notify.adapters.access import notification_tenancy, recipient_tenancy
from mesh_notify.adapters.postgres import notification_from_row
from mesh_notify.domain.notification import Notification
from mesh_runtime import audit
from mesh_runtime.dependencies import CauseDep, ComponentsDep, PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Decision, decide

router = APIRouter(tags=["notifications"])


class NotificationView(BaseModel):
    notification_id: UUID
    recipient_id: UUID
    template: str
    status: Literal["pending", "sent", "failed", "cancelled"]
    due_at: datetime | None = Field(default=None, description="When a pending one is (next) sent: a reminder's "
                                                              "moment, after quiet hours.")
    session_id: UUID | None = Field(default=None, description="A reminder's session.")
    attempts: int
    last_error: str | None
    caused_by_event_id: UUID
    correlation_id: UUID
    created_at: datetime

    @classmethod
    def of(cls, n: Notification) -> "NotificationView":
        return cls(
            notification_id=n.notification_id, recipient_id=n.recipient_id, template=n.template,
            status=n.status.value, due_at=n.next_attempt_at, session_id=n.session_id, attempts=n.attempts,
            last_error=n.last_error,
            caused_by_event_id=n.caused_by_event_id, correlation_id=n.correlation_id, created_at=n.created_at,
        )


@router.get("/notifications", summary="Notifications of one recipient, oldest first (theirs, and their admins')",
            responses=error_responses(403))
async def list_notifications(
    components: ComponentsDep, cause: CauseDep, principal: PrincipalDep,
    recipient_id: Annotated[UUID, Query(description="The participant.")],
) -> list[NotificationView]:
    async with components.database.transaction(principal.institution) as transaction:
        recipient = await recipient_tenancy(transaction.connection, recipient_id)
        if recipient is None or decide(principal, recipient, coordinators_may=False) is Decision.HIDDEN:
            return []  # nothing yet, or not the caller's to know of: the same answer, so nothing leaks
        authorize(principal, recipient, f"notifications of {recipient_id}", coordinators_may=False)
        rows = await transaction.connection.fetch(
            "SELECT * FROM notifications WHERE recipient_id = $1 ORDER BY created_at, template", recipient_id
        )
        await audit.record_reads(transaction, principal, cause, "notifications",  # mail quotes people's words
                                 {recipient.institution: [str(row["notification_id"]) for row in rows]})
    return [NotificationView.of(notification_from_row(row)) for row in rows]


@router.get("/notifications/{notification_id}", summary="One notification", responses=error_responses(403, 404))
async def get_notification(notification_id: UUID, components: ComponentsDep, cause: CauseDep,
                           principal: PrincipalDep) -> NotificationView:
    async with components.database.transaction(principal.institution) as transaction:
        tenancy = await notification_tenancy(transaction.connection, notification_id)
        authorize(principal, tenancy, f"notification {notification_id}", coordinators_may=False)
        row = await transaction.connection.fetchrow("SELECT * FROM notifications WHERE notification_id = $1", notification_id)
        await audit.record_reads(transaction, principal, cause, "notifications",
                                 {tenancy.institution: [str(notification_id)]})  # type: ignore[union-attr]
    return NotificationView.of(notification_from_row(row))
