"""What a coordinator's own hand in pairs keeps in matching's database: who made a proposal by hand and
their note (on the match's row), and each nudge of a formed pair (``pair_nudges``)."""

from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_matching.application.coordinator_ports import Between, Nudge, Participation


class PostgresHandPairings:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def participation(self, participant_id: UUID) -> Participation | None:
        row = await self._connection.fetchrow(
            "SELECT program_id, active, capacity, used FROM candidates WHERE participant_id = $1", participant_id
        )
        return Participation(row["program_id"], row["active"], row["capacity"], row["used"]) if row else None

    async def roles_held(self, participant_id: UUID) -> list[str]:
        """Their role in each open match that holds one of their places (a request not yet accepted holds none)."""
        rows = await self._connection.fetch(
            """
            SELECT CASE WHEN participant_a = $1 THEN role_a ELSE role_b END AS role FROM matches
            WHERE (participant_a = $1 OR participant_b = $1)
              AND (status = 'accepted' OR (status = 'proposed' AND capacity_reserved))
            """,
            participant_id,
        )
        return [row["role"] for row in rows]

    async def between(self, a: UUID, b: UUID) -> list[Between]:
        """Their matches with each other, newest first."""
        rows = await self._connection.fetch(
            """
            SELECT match_id, status, arranged_by, proposed_at FROM matches
            WHERE (participant_a = $1 AND participant_b = $2) OR (participant_a = $2 AND participant_b = $1)
            ORDER BY proposed_at DESC
            """,
            a,
            b,
        )
        return [Between(row["match_id"], row["status"], row["arranged_by"], row["proposed_at"]) for row in rows]

    async def mark_arranged(self, match_id: UUID, arranged_by: str, note: str | None) -> None:
        await self._connection.execute(
            "UPDATE matches SET arranged_by = $2, note = $3 WHERE match_id = $1", match_id, arranged_by, note
        )

    async def dormant(self, match_id: UUID) -> bool:
        return bool(await self._connection.fetchval("SELECT stalled_at IS NOT NULL FROM matches WHERE match_id = $1", match_id))

    async def last_nudged_at(self, match_id: UUID) -> datetime | None:
        return await self._connection.fetchval("SELECT max(nudged_at) FROM pair_nudges WHERE match_id = $1", match_id)

    async def add_nudge(self, nudge: Nudge) -> None:
        await self._connection.execute(
            """
            INSERT INTO pair_nudges (nudge_id, match_id, program_id, nudged_by, message, dormant, nudged_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            nudge.nudge_id,
            nudge.match_id,
            nudge.program_id,
            nudge.nudged_by,
            nudge.message,
            nudge.dormant,
            nudge.nudged_at,
        )

    async def nudges(self, match_id: UUID, nudge_id: UUID | None = None) -> list[Nudge]:
        """A pair's nudges, newest first (one, by its id)."""
        rows = await self._connection.fetch(
            """
            SELECT * FROM pair_nudges WHERE match_id = $1 AND ($2::uuid IS NULL OR nudge_id = $2)
            ORDER BY nudged_at DESC, nudge_id
            """,
            match_id,
            nudge_id,
        )
        return [
            Nudge(
                row["nudge_id"],
                row["match_id"],
                row["program_id"],
                row["nudged_by"],
                row["message"],
                row["dormant"],
                row["nudged_at"],
            )
            for row in rows
        ]

    async def forget_words(self, participant_id: UUID) -> int:
        """A coordinator's note to a pair and their messages to it may name either of them: erased with them."""
        notes = await self._connection.execute(
            "UPDATE matches SET note = NULL WHERE (participant_a = $1 OR participant_b = $1) AND note IS NOT NULL", participant_id
        )
        messages = await self._connection.execute(
            """
            UPDATE pair_nudges SET message = NULL WHERE message IS NOT NULL AND match_id IN (
                SELECT match_id FROM matches WHERE participant_a = $1 UNION ALL
                SELECT match_id FROM matches WHERE participant_b = $1)
            """,
            participant_id,
        )
        return int(notes.split()[-1]) + int(messages.split()[-1])
