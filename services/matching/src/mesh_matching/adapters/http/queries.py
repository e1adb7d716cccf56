"""The reads matching's routes make of matches (the other resources' reads: ``queries_*``)."""

from collections.abc import Sequence
from uuid import UUID

import asyncpg


async def match_row(connection: asyncpg.Connection, match_id: UUID) -> asyncpg.Record | None:
    return await connection.fetchrow("SELECT * FROM matches WHERE match_id = $1", match_id)


async def participant_match_rows(connection: asyncpg.Connection, participant_id: UUID) -> list[asyncpg.Record]:
    """A participant's matches, newest first."""
    return await connection.fetch(
        "SELECT * FROM matches WHERE participant_a = $1 OR participant_b = $1 ORDER BY proposed_at DESC", participant_id
    )


async def shown_names(connection: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> dict[UUID, str]:
    """The shown names of the matches' members, in one read (an erased member's placeholder)."""
    members = list({member for row in rows for member in (row["participant_a"], row["participant_b"])})
    found = await connection.fetch(
        "SELECT participant_id, profile->>'display_name' AS name FROM candidates WHERE participant_id = ANY($1::uuid[])", members
    )
    return {record["participant_id"]: record["name"] for record in found if record["name"]}
