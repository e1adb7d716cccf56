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

from mesh_web.api.base import AuditedService, segment

MAX_REQUESTS = 5  # matching's limit on partners asked at once (application/self_selection.py)
PUBLISH_SECONDS = 120.0


class MatchingApi(AuditedService):
    name = "matching"

    async def matches(self, participant_id: UUID) -> list[dict[str, Any]]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/matches")

    async def match(self, match_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/matches/{segment(match_id)}")

    async def accept(self, match_id: UUID, participant_id: UUID) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/accept", json={"participant_id": str(participant_id)})

    async def decline(self, match_id: UUID, participant_id: UUID, reason: str | None) -> dict[str, Any]:
        return await self.call(
            "POST",
            f"/matches/{segment(match_id)}/decline",
            json={"participant_id": str(participant_id), "reason": reason or None},
        )

    async def suggestions(self, participant_id: UUID, limit: int = 5) -> list[dict[str, Any]]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/suggestions", params={"limit": limit})

    async def request_partners(self, participant_id: UUID, partner_ids: list[UUID]) -> list[dict[str, Any]]:
        return await self.call(
            "POST",
            f"/participants/{segment(participant_id)}/requests",
            json={"partner_ids": [str(partner) for partner in partner_ids]},
        )

    async def health(self, program_id: str) -> dict[str, Any]:
        return await self.call("GET", f"/programs/{segment(program_id)}/health")

    async def attention(self, program_id: str, campus: str | None = None, limit: int = 20) -> dict[str, Any]:
        return await self.call("GET", f"/programs/{segment(program_id)}/attention", params={"campus": campus, "limit": limit})

    async def institution_health(self) -> dict[str, Any]:
        return await self.call("GET", "/institution/health")

    # ---- coordinators and admins ----

    async def participants(
        self,
        program_id: str,
        *,
        q: str | None,
        campus: str | None,
        role: str | None,
        state: str | None,
        after: str | None,
        limit: int = 50,
    ) -> dict[str, Any]:
        return await self.call(
            "GET",
            f"/programs/{segment(program_id)}/participants",
            params={"q": q, "campus": campus, "role": role, "state": state, "after": after, "limit": limit},
        )

    async def program_participant(self, program_id: str, participant_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/programs/{segment(program_id)}/participants/{segment(participant_id)}")

    async def propose_by_hand(
        self, program_id: str, participant_ids: list[UUID], *, dry_run: bool, note: str | None = None
    ) -> dict[str, Any]:
        return await self.call(
            "POST",
            f"/programs/{segment(program_id)}/matches",
            json={"participant_ids": [str(pid) for pid in participant_ids], "dry_run": dry_run, "note": note},
        )

    async def nudge(self, match_id: UUID, message: str | None) -> dict[str, Any]:
        return await self.call("POST", f"/matches/{segment(match_id)}/nudge", json={"message": message})

    async def end_pair(self, match_id: UUID, participant_id: UUID, reason: str) -> dict[str, Any]:
        return await self.call(
            "POST",
            f"/matches/{segment(match_id)}/end",
            json={"participant_id": str(participant_id), "outcome": "ended_early", "reason": reason},
        )

    async def policy(self, program_id: str) -> dict[str, Any]:
        return await self.call("GET", f"/programs/{segment(program_id)}/policy")

    async def set_policy(self, program_id: str, policy: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PUT", f"/programs/{segment(program_id)}/policy", json=policy)

    async def start_round_preview(
        self, program_id: str, *, policy: dict[str, Any] | None = None, objective: str = "score"
    ) -> dict[str, Any]:
        return await self.call(
            "POST", f"/programs/{segment(program_id)}/round-previews", json={"policy": policy, "objective": objective}
        )

    async def round_preview(self, program_id: str, preview_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/programs/{segment(program_id)}/round-previews/{segment(preview_id)}")

    async def round_previews(self, program_id: str, limit: int = 10) -> list[dict[str, Any]]:
        found = await self.call("GET", f"/programs/{segment(program_id)}/round-previews", params={"limit": limit})
        return found.get("previews", found) if isinstance(found, dict) else found

    async def publish_round_preview(self, program_id: str, preview_id: UUID) -> dict[str, Any]:
        """Publishing writes every proposal before it answers: some 12 s for 10,000 people (issue 30's note)."""
        return await self.call(
            "POST", f"/programs/{segment(program_id)}/round-previews/{segment(preview_id)}/publish", timeout=PUBLISH_SECONDS
        )
