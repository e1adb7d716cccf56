"""The notify service's HTTP API: what was (or will be) sent to whom."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from mesh_notify.adapters.postgres import notification_from_row
from mesh_notify.domain.notification import Notification
from mesh_runtime.dependencies import ComponentsDep, error_responses

router = APIRouter(tags=["notifications"])


class NotificationView(BaseModel):
    notification_id: UUID
    recipient_id: UUID
    template: str
    status: Literal["pending", "sent", "failed"]
    attempts: int
    last_error: str | None
    caused_by_event_id: UUID
    correlation_id: UUID
    created_at: datetime

    @classmethod
    def of(cls, n: Notification) -> "NotificationView":
        return cls(
            notification_id=n.notification_id, recipient_id=n.recipient_id, template=n.template,
            status=n.status.value, attempts=n.attempts, last_error=n.last_error,
            caused_by_event_id=n.caused_by_event_id, correlation_id=n.correlation_id, created_at=n.created_at,
        )


@router.get("/notifications", summary="Notifications of one recipient, oldest first")
async def list_notifications(
    components: ComponentsDep, recipient_id: Annotated[UUID, Query(description="The participant.")]
) -> list[NotificationView]:
    async with components.database.pool.acquire() as connection:
        rows = await connection.fetch(
            "SELECT * FROM notifications WHERE recipient_id = $1 ORDER BY created_at, template", recipient_id
        )
    return [NotificationView.of(notification_from_row(row)) for row in rows]


@router.get("/notifications/{notification_id}", summary="One notification", responses=error_responses(404))
async def get_notification(notification_id: UUID, components: ComponentsDep) -> NotificationView:
    async with components.database.pool.acquire() as connection:
        row = await connection.fetchrow("SELECT * FROM notifications WHERE notification_id = $1", notification_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no notification {notification_id}")
    return NotificationView.of(notification_from_row(row))
