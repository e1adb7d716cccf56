"""Each program's matching policy in matching's PostgreSQL database: every change a new version."""

import dataclasses
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from mesh_matching.domain.scoring import MatchingPolicy


class PostgresPolicies:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def current(self, program_id: str) -> tuple[int, MatchingPolicy]:
        row = await self._connection.fetchrow(
            "SELECT version, policy FROM program_policies WHERE program_id = $1 ORDER BY version DESC LIMIT 1", program_id
        )
        return (row["version"], MatchingPolicy(**row["policy"])) if row else (0, MatchingPolicy())

    async def set(self, program_id: str, policy: MatchingPolicy) -> int:
        # Serialised per program by the advisory lock: two coordinators never write the same version.
        await self._connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", program_id)
        version = await self._connection.fetchval(
            "SELECT coalesce(max(version), 0) + 1 FROM program_policies WHERE program_id = $1", program_id
        )
        await self._connection.execute(
            "INSERT INTO program_policies (program_id, version, policy) VALUES ($1, $2, $3)",
            program_id,
            version,
            dataclasses.asdict(policy),
        )
        return version

    async def history(self, program_id: str) -> Sequence[tuple[int, MatchingPolicy, datetime]]:
        rows = await self._connection.fetch(
            "SELECT version, policy, set_at FROM program_policies WHERE program_id = $1 ORDER BY version", program_id
        )
        return [(row["version"], MatchingPolicy(**row["policy"]), row["set_at"]) for row in rows]
