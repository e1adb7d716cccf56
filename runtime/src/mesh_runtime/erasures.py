"""Which participants a service has erased (ids only), kept by every service that holds personal
data, so that an event about them arriving after their erasure (on another topic, so in no fixed
order with it) is stripped on the way in too."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

import asyncpg


class PostgresErasures:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def remember(self, participant_id: UUID, at: datetime) -> None:
        await self._connection.execute(
            "INSERT INTO erased_participants (participant_id, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            participant_id,
            at,
        )

    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]:
        rows = await self._connection.fetch(
            "SELECT participant_id FROM erased_participants WHERE participant_id = ANY($1::uuid[])", list(participant_ids)
        )
        return {row["participant_id"] for row in rows}
