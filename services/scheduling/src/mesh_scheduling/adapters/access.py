"""Where scheduling's resources live and whose they are, for the runtime's access rule.

A pair's campuses and accounts come with the MatchAccepted that formed it. Read inside the caller's
tenant transaction: row-level security already hides other institutions."""

from uuid import UUID

import asyncpg
from fastapi import HTTPException, status

from mesh_runtime.identity import Principal, Tenancy

_PAIR = """
    SELECT p.institution, p.program_id,
           array(SELECT m->>'campus' FROM jsonb_array_elements(p.members) m) AS campuses,
           array(SELECT m->>'subject' FROM jsonb_array_elements(p.members) m WHERE m->>'subject' IS NOT NULL) AS subjects
    FROM pairs p
"""


def _tenancy(row: asyncpg.Record | None) -> Tenancy | None:
    return row and Tenancy(row["institution"], frozenset(row["campuses"]), row["program_id"], frozenset(row["subjects"]))


async def pair_tenancy(connection: asyncpg.Connection, match_id: UUID) -> Tenancy | None:
    return _tenancy(await connection.fetchrow(_PAIR + " WHERE p.match_id = $1", match_id))


async def session_tenancy(connection: asyncpg.Connection, session_id: UUID) -> Tenancy | None:
    return _tenancy(await connection.fetchrow(
        _PAIR + " JOIN sessions s ON s.match_id = p.match_id WHERE s.session_id = $1", session_id))


async def own_members(connection: asyncpg.Connection, principal: Principal, match_id: UUID) -> set[UUID] | None:
    """Whose reflections' words the caller may read: None for all of them (the program's coordinators,
    the institution's admins), else only the pair members bound to the caller's own account."""
    tenancy = await pair_tenancy(connection, match_id)
    if principal.is_admin or (tenancy and tenancy.program_id
                              and principal.coordinates(tenancy.program_id, tenancy.campuses)):
        return None
    rows = await connection.fetch(
        "SELECT (m->>'participant_id')::uuid AS id FROM pairs p, jsonb_array_elements(p.members) m "
        "WHERE p.match_id = $1 AND m->>'subject' = $2", match_id, principal.subject)
    return {row["id"] for row in rows}


async def require_acting_as_themself(connection: asyncpg.Connection, principal: Principal, session_id: UUID,
                                     participant_id: UUID) -> None:
    """One of the pair records their own reflection (an admin may for them)."""
    if principal.is_admin:
        return
    subject = await connection.fetchval(
        """
        SELECT m->>'subject' FROM sessions s JOIN pairs p ON p.match_id = s.match_id, jsonb_array_elements(p.members) m
        WHERE s.session_id = $1 AND m->>'participant_id' = $2::text
        """, session_id, str(participant_id))
    if subject != principal.subject:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"you may record a reflection only as yourself, not as {participant_id}")
