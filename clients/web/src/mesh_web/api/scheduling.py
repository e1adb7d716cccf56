"""Scheduling's API: a pair's agreement and sessions, and a participant's calendar link.

Shapes (services/scheduling adapters/http.py, agreements_http.py, session_changes_http.py, calendar_http.py):
- agreements: ``{versions: [{match_id, version, status (proposed|confirmed|superseded), participant_id (who
  proposed), goals [{description, target_date}], expectations [str], cadence (weekly|biweekly|monthly|as_needed),
  meeting_mode (in_person|online), session_minutes (15-240), runs_until, proposed_at, confirmed_by,
  confirmed_at}], goal_progress: [{session_id, participant_id, goal (1-based), percent, recorded_at}]}``.
- a session: ``session_id, match_id, participant_ids, sequence, starts_at, ends_at, meeting_mode, cadence, status
  (scheduled|completed|cancelled|missed), completed_at, reflections [{participant_id, progress_rating, notes}],
  revision, cancelled_by, proposed_move {starts_at, ends_at, proposed_by} | None``.
- the calendar feed: ``{url}`` (a new one revokes the old; there is no read of the current one).
Every change names who acts (``participant_id``): one of the pair, as themself.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from mesh_web.api.base import AuditedService, segment


class SchedulingApi(AuditedService):
    name = "scheduling"

    async def agreements(self, match_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/matches/{segment(match_id)}/agreements")

    async def propose_agreement(self, match_id: UUID, participant_id: UUID, terms: dict[str, Any]) -> dict[str, Any]:
        return await self.call(
            "POST", f"/matches/{segment(match_id)}/agreements", json={"participant_id": str(participant_id), **terms}
        )

    async def confirm_agreement(self, match_id: UUID, version: int, participant_id: UUID) -> dict[str, Any]:
        return await self.call(
            "POST",
            f"/matches/{segment(match_id)}/agreements/{segment(version)}/confirm",
            json={"participant_id": str(participant_id)},
        )

    async def schedule(self, match_id: UUID) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The pair's agreement (every version, goal progress) and its sessions, in one request."""
        both = await self.call("GET", f"/matches/{segment(match_id)}/schedule")
        return both["agreements"], both["sessions"]

    async def sessions(self, match_id: UUID) -> list[dict[str, Any]]:
        return await self.call("GET", f"/matches/{segment(match_id)}/sessions")

    async def session(self, session_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/sessions/{segment(session_id)}")

    async def reschedule(self, session_id: UUID, participant_id: UUID, starts_at: datetime) -> dict[str, Any]:
        return await self.call(
            "POST",
            f"/sessions/{segment(session_id)}/reschedule",
            json={"participant_id": str(participant_id), "starts_at": starts_at.isoformat()},
        )

    async def confirm_reschedule(self, session_id: UUID, participant_id: UUID) -> dict[str, Any]:
        return await self.call(
            "POST", f"/sessions/{segment(session_id)}/reschedule/confirm", json={"participant_id": str(participant_id)}
        )

    async def cancel(self, session_id: UUID, participant_id: UUID, reason: str) -> dict[str, Any]:
        return await self.call(
            "POST", f"/sessions/{segment(session_id)}/cancel", json={"participant_id": str(participant_id), "reason": reason}
        )

    async def complete(
        self, session_id: UUID, participant_id: UUID, progress_rating: int, notes: str, goal_progress: dict[int, int]
    ) -> dict[str, Any]:
        return await self.call(
            "POST",
            f"/sessions/{segment(session_id)}/complete",
            json={
                "participant_id": str(participant_id),
                "progress_rating": progress_rating,
                "notes": notes,
                "goal_progress": [{"goal": goal, "percent": percent} for goal, percent in sorted(goal_progress.items())],
            },
        )

    async def make_calendar_link(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("POST", f"/participants/{segment(participant_id)}/calendar-feed")

    async def revoke_calendar_link(self, participant_id: UUID) -> None:
        await self.call("DELETE", f"/participants/{segment(participant_id)}/calendar-feed", expect_body=False)
