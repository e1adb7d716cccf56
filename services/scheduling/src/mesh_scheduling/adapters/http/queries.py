"""What scheduling's routes read: sessions, agreements and calendar feeds, as they are stored. Each
read runs in the caller's tenant transaction (row-level security hides other institutions); who may
read what, the route checked first."""

from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_scheduling.adapters.postgres.agreements import PostgresAgreements
from mesh_scheduling.adapters.postgres.calendar_feeds import PostgresCalendarFeeds
from mesh_scheduling.adapters.postgres.sessions import session_from_row
from mesh_scheduling.application.errors import SessionNotFound
from mesh_scheduling.domain.agreement import Agreement
from mesh_scheduling.domain.session import Session


async def session(connection: asyncpg.Connection, session_id: UUID) -> Session:
    """A session (the caller's tenancy check found it)."""
    row = await connection.fetchrow("SELECT * FROM sessions WHERE session_id = $1", session_id)
    if row is None:
        raise SessionNotFound(f"no session {session_id}")
    return session_from_row(row)


async def sessions_of_match(connection: asyncpg.Connection, match_id: UUID) -> list[Session]:
    """A pair's sessions in order."""
    rows = await connection.fetch("SELECT * FROM sessions WHERE match_id = $1 ORDER BY sequence", match_id)
    return [session_from_row(row) for row in rows]


async def agreement_versions(connection: asyncpg.Connection, match_id: UUID) -> list[Agreement]:
    """Every version of a pair's agreement, oldest first."""
    return await PostgresAgreements(connection).history(match_id)


async def goal_progress(connection: asyncpg.Connection, match_id: UUID) -> list[asyncpg.Record]:
    """The progress recorded on a pair's goals, in the order it was recorded."""
    return await connection.fetch(
        """
        SELECT g.* FROM goal_progress g JOIN sessions s ON s.session_id = g.session_id
        WHERE s.match_id = $1 ORDER BY g.recorded_at, g.goal_number
        """,
        match_id,
    )


async def feed(connection: asyncpg.Connection, token: str) -> list[tuple[Session, datetime]] | None:
    """The sessions of the feed whose URL holds ``token``, each with when it last changed; None when
    no feed has it (never made, or revoked)."""
    owner = await PostgresCalendarFeeds(connection).owner(token)
    if owner is None:
        return None
    rows = await connection.fetch("SELECT * FROM sessions WHERE $1 = ANY(participant_ids) ORDER BY starts_at", owner)
    return [(session_from_row(row), row["updated_at"]) for row in rows]
