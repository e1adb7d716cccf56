"""Participants' private calendar feeds: only a hash of each URL's token is kept."""

import hashlib
from datetime import datetime
from uuid import UUID

import asyncpg


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class PostgresCalendarFeeds:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def replace(self, participant_id: UUID, token: str, at: datetime) -> None:
        await self._connection.execute(
            """
            INSERT INTO calendar_feeds (participant_id, token_sha256, created_at) VALUES ($1, $2, $3)
            ON CONFLICT (participant_id) DO UPDATE SET token_sha256 = excluded.token_sha256, created_at = excluded.created_at
            """,
            participant_id,
            token_hash(token),
            at,
        )

    async def revoke(self, participant_id: UUID) -> bool:
        return (await self._connection.execute("DELETE FROM calendar_feeds WHERE participant_id = $1", participant_id)).endswith(
            " 1"
        )

    async def owner(self, token: str) -> UUID | None:
        return await self._connection.fetchval(
            "SELECT participant_id FROM calendar_feeds WHERE token_sha256 = $1", token_hash(token)
        )
