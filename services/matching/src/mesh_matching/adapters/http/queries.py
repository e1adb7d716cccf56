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


async def match_rows(connection: asyncpg.Connection, match_ids: Sequence[UUID]) -> list[asyncpg.Record]:
    """The matches of ``match_ids`` the caller's transaction may see, in one read, each with where its
    pair lives (``tenancy_*``: what ``access.match_tenancy`` reads for one); a match whose pair
    matching does not hold is left out, as ``GET /matches/{id}`` answers it 404."""
    return await connection.fetch(
        """
        SELECT m.*, a.campus AS tenancy_campus_a, b.campus AS tenancy_campus_b,
               a.subject AS tenancy_subject_a, b.subject AS tenancy_subject_b
        FROM matches m JOIN candidates a ON a.participant_id = m.participant_a
                       JOIN candidates b ON b.participant_id = m.participant_b
        WHERE m.match_id = ANY($1::uuid[])
        """,
        list(match_ids),
    )
