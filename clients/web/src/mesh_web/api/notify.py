"""Notify's API: the inbox of what was sent, read state, and what a participant wants to hear."""

from typing import Any
from uuid import UUID

from mesh_web.api.base import ServiceClient, segment


class NotifyApi(ServiceClient):
    name = "notify"

    async def notifications(self, participant_id: UUID, **query: Any) -> Any:
        return await self.call("GET", "/notifications", params={"participant_id": str(participant_id), **query})

    async def notification(self, notification_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/notifications/{segment(notification_id)}")

    async def mark_read(self, notification_id: UUID, read: bool = True) -> Any:
        return await self.call("POST", f"/notifications/{segment(notification_id)}/{'read' if read else 'unread'}")

    async def preferences(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/notification-preferences")

    async def set_preferences(self, participant_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PUT", f"/participants/{segment(participant_id)}/notification-preferences", json=body)
