"""What scheduling says of each pair's sessions, kept in matching's database for its programs' health."""

import asyncpg

from mentoring_contracts import SessionCancelled, SessionCompleted, SessionScheduled


class PostgresSessionsSeen:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def scheduled(self, event: SessionScheduled) -> None:
        await self._connection.execute(
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (session_id) DO UPDATE SET starts_at = excluded.starts_at
            """,
            event.session_id,
            event.match_id,
            event.program_id,
            event.starts_at,
        )

    async def completed(self, event: SessionCompleted) -> None:
        # Completion may arrive before the scheduling it followed (another partition); both orders end alike.
        await self._connection.execute(
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, completed_at, reflections, rating_sum)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (session_id) DO UPDATE SET completed_at = excluded.completed_at,
                reflections = excluded.reflections, rating_sum = excluded.rating_sum
            """,
            event.session_id,
            event.match_id,
            event.program_id,
            event.completed_at,
            len(event.reflections),
            sum(reflection.progress_rating for reflection in event.reflections),
        )

    async def cancelled(self, event: SessionCancelled) -> None:
        await self._connection.execute(
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at, cancelled_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (session_id) DO UPDATE SET cancelled_at = excluded.cancelled_at
            """,
            event.session_id,
            event.match_id,
            event.program_id,
            event.starts_at,
            event.cancelled_at,
        )
