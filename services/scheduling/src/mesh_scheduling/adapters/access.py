"""Where scheduling's resources live and whose they are, for the runtime's access rule.

A pair's campuses and accounts come with the MatchAccepted that formed it. Read inside the caller's
tenant transaction: row-level security already hides other institutions."""

from uuid import UUID

import asyncpg
from fastapi import HTTPException, status

from mesh_runtime.identity import Decision, Principal, Tenancy, decide

_PAIR = """
    SELECT p.institution, p.program_id,
           array(SELECT m->>'campus' FROM jsonb_array_elements(p.members) m) AS campuses,
           array(SELECT m->>'subject' FROM jsonb_array_elements(p.members) m WHERE m->>'subject' IS NOT NULL) AS subjects
    FROM pairs p
"""


def _tenancy(row: asyncpg.Record | None) -> Tenancy | None:
    if row is None:
        return None
    return Tenancy(row["institution"], frozenset(row["campuses"]), row["program_id"], frozenset(row["subjects"]))


async def pair_tenancy(connection: asyncpg.Connection, match_id: UUID) -> Tenancy | None:
    return _tenancy(await connection.fetchrow(_PAIR + " WHERE p.match_id = $1", match_id))


async def session_tenancy(connection: asyncpg.Connection, session_id: UUID) -> Tenancy | None:
    return _tenancy(
        await connection.fetchrow(_PAIR + " JOIN sessions s ON s.match_id = p.match_id WHERE s.session_id = $1", session_id)
    )


async def own_members(connection: asyncpg.Connection, principal: Principal, match_id: UUID) -> set[UUID] | None:
    """Whose reflections' words the caller may read: None for all of them (the program's coordinators,
    the institution's admins), else only the pair members bound to the caller's own account."""
    tenancy = await pair_tenancy(connection, match_id)
    if principal.is_admin or (tenancy and tenancy.program_id and principal.coordinates(tenancy.program_id, tenancy.campuses)):
        return None
    rows = await connection.fetch(
        "SELECT (m->>'participant_id')::uuid AS id FROM pairs p, jsonb_array_elements(p.members) m "
        "WHERE p.match_id = $1 AND m->>'subject' = $2",
        match_id,
        principal.subject,
    )
    return {row["id"] for row in rows}


async def require_acting_as_themself(
    connection: asyncpg.Connection, principal: Principal, session_id: UUID, participant_id: UUID
) -> None:
    """One of the pair acts on a session as themself (an admin may for them)."""
    match_id = await connection.fetchval("SELECT match_id FROM sessions WHERE session_id = $1", session_id)
    await require_member_as_themself(connection, principal, match_id, participant_id)


async def require_member_as_themself(
    connection: asyncpg.Connection, principal: Principal, match_id: UUID | None, participant_id: UUID
) -> None:
    if principal.is_admin:
        return
    subject = await connection.fetchval(
        """
        SELECT m->>'subject' FROM pairs p, jsonb_array_elements(p.members) m
        WHERE p.match_id = $1 AND m->>'participant_id' = $2::text
        """,
        match_id,
        str(participant_id),
    )
    if subject is None or subject != principal.subject:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"you may act for your pair only as yourself, not as participant {participant_id}"
        )


async def require_own_feed(connection: asyncpg.Connection, principal: Principal, participant_id: UUID) -> None:
    """Only the participant themself manages their calendar feed: their account is bound to a pair they
    are in. To whom the access rule hides them (on no campus of the caller's), they are as unknown as
    someone in no pair."""
    members = await connection.fetch(
        "SELECT p.program_id, m->>'subject' AS subject, m->>'campus' AS campus FROM pairs p, "
        "jsonb_array_elements(p.members) m WHERE m->>'participant_id' = $1::text",
        str(participant_id),
    )
    subjects = frozenset(row["subject"] for row in members if row["subject"])
    hidden = (
        not members
        or decide(
            principal,
            Tenancy(
                principal.institution,
                frozenset(row["campus"] for row in members if row["campus"]),
                members[0]["program_id"],
                subjects,
            ),
        )
        is Decision.HIDDEN
    )
    if hidden:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"participant {participant_id} is in no pair here yet")
    if principal.subject not in subjects:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the participant themself manages their calendar feed")
