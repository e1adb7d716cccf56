"""What matching knows of programs, in its own database."""

from datetime import datetime

import asyncpg

from mentoring_contracts import ProgramDefinition
from mesh_matching.domain.dormancy import DormancyRule
from mesh_matching.domain.program import ProgramStanding


class PostgresPrograms:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def define(self, program_id: str, definition: ProgramDefinition, at: datetime) -> None:
        """The definition as of ``at`` (its name and terms for program health); an older one arriving late changes
        nothing, nor does one after closing."""
        await self._connection.execute(
            """
            INSERT INTO programs (program_id, campuses, matchmaking, defined_at, dormant_after_days, dormant_grace_days,
                                  name, terms)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (program_id) DO UPDATE SET campuses = excluded.campuses, matchmaking = excluded.matchmaking,
                defined_at = excluded.defined_at, dormant_after_days = excluded.dormant_after_days,
                dormant_grace_days = excluded.dormant_grace_days, name = excluded.name, terms = excluded.terms
            WHERE programs.defined_at < excluded.defined_at
            """,
            program_id,
            list(definition.campuses),
            definition.matchmaking,
            at,
            definition.dormant_after_days,
            definition.dormant_grace_days,
            definition.name,
            [term.model_dump(mode="json") for term in definition.terms],
        )

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
            """,
            program_id,
            at,
            reason,
        )
        return bool(closed)

    async def standing(self, program_id: str) -> ProgramStanding:
        row = await self._connection.fetchrow("SELECT status, matchmaking FROM programs WHERE program_id = $1", program_id)
        if row is None:
            return ProgramStanding(program_id)
        return ProgramStanding(program_id, row["status"] == "open", row["matchmaking"])

    async def dormancy(self, program_id: str) -> DormancyRule:
        """How long its pairs may go without a completed session (the contract's defaults until it is heard of)."""
        row = await self._connection.fetchrow(
            "SELECT dormant_after_days, dormant_grace_days FROM programs WHERE program_id = $1", program_id
        )
        return DormancyRule() if row is None else DormancyRule.of_days(row["dormant_after_days"], row["dormant_grace_days"])
