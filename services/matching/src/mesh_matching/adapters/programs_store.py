"""What matching knows of programs, in its own database."""

from datetime import datetime

import asyncpg

from mentoring_contracts import ProgramDefinition
from mesh_matching.domain.program import ProgramStanding


class PostgresPrograms:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def define(self, program_id: str, definition: ProgramDefinition, at: datetime) -> None:
        """The definition as of ``at``; an older one arriving late changes nothing, nor does one after closing."""
        await self._connection.execute(
            """
            INSERT INTO programs (program_id, campuses, matchmaking, defined_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (program_id) DO UPDATE SET campuses = excluded.campuses, matchmaking = excluded.matchmaking,
                                                   defined_at = excluded.defined_at
            WHERE programs.defined_at < excluded.defined_at
            """, program_id, list(definition.campuses), definition.matchmaking, at)

    async def close(self, program_id: str, reason: str | None, at: datetime) -> bool:
        """True the first time; a program closed before it was defined here is still closed."""
        closed = await self._connection.fetchval(
            """
            INSERT INTO programs (program_id, campuses, matchmaking, defined_at, status, closed_at, closing_reason)
            VALUES ($1, '{}', 'both', $2, 'closed', $2, $3)
            ON CONFLICT (program_id) DO UPDATE SET status = 'closed', closed_at = excluded.closed_at,
                                                   closing_reason = excluded.closing_reason
            WHERE programs.status = 'open'
            RETURNING true
            """, program_id, at, reason)
        return bool(closed)

    async def standing(self, program_id: str) -> ProgramStanding:
        row = await self._connection.fetchrow("SELECT status, matchmaking FROM programs WHERE program_id = $1", program_id)
        if row is None:
            return ProgramStanding(program_id)
        return ProgramStanding(program_id, row["status"] == "open", row["matchmaking"])
