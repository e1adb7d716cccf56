"""Matching's API: a participant's matches, suggestions and requests; accepting and declining.

Shapes (services/matching adapters/http.py, selection_http.py):
- a match: ``match_id, program_id, topic, kind (mentor_mentee|peer), status (proposed|accepted|declined|expired|
  ended), participants [{participant_id, role, accepted}], score (0-1), score_parts [{criterion, weight, value}],
  reasons [English sentences], closing_reason, proposed_at, expires_at, formed_at, dormant_since, dormant_ends_at``.
- a suggestion: ``participant_id, display_name, topic, kind, score, reasons``.
- a request's outcome, per partner: ``partner_id, match_id | None, refused | None``.
"""

from typing import Any
from uuid import UUID

from mesh_web.api.base import ServiceClient, segment

MAX_REQUESTS = 5  # matching's limit on partners asked at once (application/self_selection.py)


class MatchingApi(ServiceClient):
    name = "matching"

    async def matches(self, participant_id: UUID) -> list[dict[str, Any]]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/matches")

    async def match(self, match_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/matches/{segment(match_id)}")

    async def accept(self, match_id: UUID, participant_id: UUID) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/accept",
                               json={"participant_id": str(participant_id)})

    async def decline(self, match_id: UUID, participant_id: UUID, reason: str | None) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/decline",
                               json={"participant_id": str(participant_id), "reason": reason or None})

    async def suggestions(self, participant_id: UUID, limit: int = 5) -> list[dict[str, Any]]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/suggestions", params={"limit": limit})

    async def request_partners(self, participant_id: UUID, partner_ids: list[UUID]) -> list[dict[str, Any]]:
        return await self.call("POST", f"/participants/{segment(participant_id)}/requests",
                               json={"partner_ids": [str(partner) for partner in partner_ids]})
