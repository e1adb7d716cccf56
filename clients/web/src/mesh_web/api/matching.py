"""Matching's API: a participant's matches, suggestions and requests; accepting and declining."""

from typing import Any
from uuid import UUID

from mesh_web.api.base import ServiceClient, segment


class MatchingApi(ServiceClient):
    name = "matching"

    async def matches(self, participant_id: UUID) -> Any:
        return await self.call("GET", f"/participants/{segment(participant_id)}/matches")

    async def match(self, match_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/matches/{segment(match_id)}")

    async def accept(self, match_id: UUID) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/accept")

    async def decline(self, match_id: UUID, reason: str | None) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/decline", json={"reason": reason})

    async def suggestions(self, participant_id: UUID) -> Any:
        return await self.call("GET", f"/participants/{segment(participant_id)}/suggestions")

    async def request_partners(self, participant_id: UUID, body: dict[str, Any]) -> Any:
        return await self.call("POST", f"/participants/{segment(participant_id)}/requests", json=body)
