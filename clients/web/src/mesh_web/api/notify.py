"""Notify's API: the inbox of what was sent, read state, and what a participant wants to hear."""

from typing import Any
from uuid import UUID

from mesh_web.api.base import ApiProblem, AuditedService, segment


class NotifyApi(AuditedService):
    name = "notify"

    async def notifications(
        self,
        recipient_id: UUID,
        *,
        status: str | None = None,
        unread: bool = False,
        order: str = "newest",
        before: UUID | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """One recipient's notifications; ``before`` (with order=newest): the page after that one."""
        return await self.call(
            "GET",
            "/notifications",
            params={
                "recipient_id": str(recipient_id),
                "status": status,
                "unread": "true" if unread else None,
                "order": order,
                "before": str(before) if before else None,
                "limit": limit,
            },
        )

    async def unread_count(self, recipient_id: UUID) -> int:
        answer = await self.call("GET", "/notifications/unread-count", params={"recipient_id": str(recipient_id)})
        return int(answer.get("unread") or 0)

    async def notification(self, notification_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/notifications/{segment(notification_id)}")

    async def mark_read(self, notification_id: UUID, read: bool = True) -> dict[str, Any]:
        return await self.call("POST", f"/notifications/{segment(notification_id)}/{'read' if read else 'unread'}")

    async def mark_all_read(self, recipient_id: UUID, through: UUID | None = None) -> dict[str, Any]:
        """Every one sent to them so far read, or only up to ``through`` (the newest they saw)."""
        return await self.call(
            "POST", "/notifications/read", json={"recipient_id": str(recipient_id), "through": str(through) if through else None}
        )

    async def preferences(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/notification-preferences")

    async def set_preferences(self, participant_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PUT", f"/participants/{segment(participant_id)}/notification-preferences", json=body)

    async def my_digest(self) -> dict[str, Any] | None:
        """The coordinator's daily digest, or None when they have not asked for one."""
        try:
            return await self.call("GET", "/coordinators/me/digest")
        except ApiProblem as problem:
            if problem.status == 404:
                return None
            raise

    async def ask_digest(self, hour: int, time_zone: str) -> dict[str, Any]:
        return await self.call("PUT", "/coordinators/me/digest", json={"hour": hour, "time_zone": time_zone})

    async def stop_digest(self) -> None:
        await self.call("DELETE", "/coordinators/me/digest", expect_body=False)
