"""Profile's API: programs, joining, a participant's profile, leaving, erasure."""

from typing import Any
from uuid import UUID

from mesh_web.api.base import AuditedService, segment


class ProfileApi(AuditedService):
    name = "profile"

    async def programs(self) -> list[dict[str, Any]]:
        return await self.call("GET", "/programs")

    async def program(self, program_id: str) -> dict[str, Any]:
        return await self.call("GET", f"/programs/{segment(program_id)}")

    async def my_participations(self) -> list[dict[str, Any]]:
        """Every participation of the signed-in person, and the profiles rosters made that wait for them."""
        return (await self.call("GET", "/me/participations"))["participations"]

    async def join(self, profile: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", "/participants", json=profile)

    async def claim(self, program_id: str) -> dict[str, Any]:
        return await self.call("POST", "/participants/claim", json={"program_id": str(program_id)})

    async def participant(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/participants/{segment(participant_id)}")

    async def replace_profile(self, participant_id: UUID, profile: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PUT", f"/participants/{segment(participant_id)}/profile", json=profile)

    async def leave(self, participant_id: UUID, reason: str | None) -> dict[str, Any]:
        return await self.call("POST", f"/participants/{segment(participant_id)}/leave", json={"reason": reason})

    async def erase(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("DELETE", f"/participants/{segment(participant_id)}")

    async def erasure(self, participant_id: UUID) -> dict[str, Any]:
        return await self.call("GET", f"/participants/{segment(participant_id)}/erasure")

    async def create_program(self, program: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", "/programs", json=program)

    async def change_program(self, program_id: str, definition: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PUT", f"/programs/{segment(program_id)}", json=definition)

    async def close_program(self, program_id: str, reason: str | None) -> dict[str, Any]:
        return await self.call("POST", f"/programs/{segment(program_id)}/close", json={"reason": reason})

    async def erasures(self, *, state: str | None = None, before: str | None = None, limit: int = 50) -> dict[str, Any]:
        return await self.call("GET", "/erasures", params={"state": state, "before": before, "limit": limit})
