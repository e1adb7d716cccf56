"""Scheduling's API: a pair's agreement and sessions, and a participant's calendar link."""

from typing import Any
from uuid import UUID

from mesh_web.api.base import ServiceClient, segment


class SchedulingApi(ServiceClient):
    name = "scheduling"

    async def agreements(self, match_id: UUID) -> Any:
        return await self.call("GET", f"/matches/{segment(match_id)}/agreements")

    async def propose_agreement(self, match_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/agreements", json=body)

    async def confirm_agreement(self, match_id: UUID, version: int) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/agreements/{segment(version)}/confirm")

    async def sessions(self, match_id: UUID) -> Any:
        return await self.call("GET", f"/matches/{segment(match_id)}/sessions")

    async def session(self, session_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/sessions/{segment(session_id)}")

    async def reschedule(self, session_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", f"/sessions/{segment(session_id)}/reschedule", json=body)

    async def confirm_reschedule(self, session_id: UUID, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.call("POST", f"/sessions/{segment(session_id)}/reschedule/confirm", json=body)

    async def cancel(self, session_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", f"/sessions/{segment(session_id)}/cancel", json=body)

    async def complete(self, session_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", f"/sessions/{segment(session_id)}/complete", json=body)

    async def make_calendar_link(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("POST", f"/participants/{segment(participant_id)}/calendar-feed")

    async def revoke_calendar_link(self, participant_id: UUID) -> None:
        await self.call("DELETE", f"/participants/{segment(participant_id)}/calendar-feed", expect_body=False)
