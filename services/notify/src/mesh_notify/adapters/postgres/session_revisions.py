"""The latest word notify heard on each session, so a late or redelivered one plans nothing."""

from uuid import UUID

import asyncpg


class PostgresSessionRevisions:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def advance(self, session_id: UUID, revision: int, cancelled: bool = False) -> bool:
        """Records this word on the session; True when it is the latest (nothing newer, not cancelled before)."""
        latest = await self._connection.fetchval(
            """
            INSERT INTO session_revisions (session_id, revision, cancelled) VALUES ($1, $2, $3)
            ON CONFLICT (session_id) DO UPDATE SET revision = excluded.revision, cancelled = excluded.cancelled
            WHERE NOT session_revisions.cancelled AND session_revisions.revision <= excluded.revision
            RETURNING true
            """,
            session_id,
            revision,
            cancelled,
        )
        return bool(latest)
