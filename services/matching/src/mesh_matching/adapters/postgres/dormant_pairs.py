"""Formed pairs that went quiet, in matching's own tables: each pair's last activity is its last
completed session (from scheduling's events) or, before any, when it formed."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_matching.adapters.postgres.matches import match_from_row
from mesh_matching.adapters.postgres.participant_states import refresh_states
from mesh_matching.domain.match import Match

_LAST_ACTIVITY = """coalesce((SELECT max(s.completed_at) FROM pair_sessions s WHERE s.match_id = m.match_id),
                             m.formed_at, m.updated_at)"""
_NEWER_COMPLETION = """EXISTS (SELECT 1 FROM pair_sessions s
                               WHERE s.match_id = m.match_id AND s.completed_at > m.stalled_activity_at)"""


class PostgresDormantPairs:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def gone_quiet(self, program_id: str, quiet_before: datetime, limit: int) -> Sequence[tuple[Match, datetime]]:
        """Formed pairs not yet found dormant whose last activity is before ``quiet_before``, locked."""
        rows = await self._connection.fetch(
            f"""
            SELECT m.*, {_LAST_ACTIVITY} AS last_activity FROM matches m
            WHERE m.program_id = $1 AND m.status = 'accepted' AND m.stalled_at IS NULL AND {_LAST_ACTIVITY} < $2
            ORDER BY m.match_id LIMIT $3 FOR UPDATE OF m SKIP LOCKED
            """,
            program_id,
            quiet_before,
            limit,
        )
        return [(match_from_row(row), row["last_activity"]) for row in rows]

    async def mark_dormant(self, match_id: UUID, judged_on: datetime, at: datetime, ends_at: datetime) -> None:
        pair = await self._connection.fetchrow(
            """
            UPDATE matches SET stalled_at = $2, stalled_activity_at = $3, stall_ends_at = $4 WHERE match_id = $1
            RETURNING participant_a, participant_b
            """,
            match_id,
            at,
            judged_on,
            ends_at,
        )
        await refresh_states(self._connection, pair.values() if pair else [])

    async def revive_pair(self, match_id: UUID, completed_at: datetime) -> bool:
        """A completion newer than what the pair was judged on; True if it was dormant."""
        pair = await self._connection.fetchrow(
            """
            UPDATE matches SET stalled_at = NULL, stalled_activity_at = NULL, stall_ends_at = NULL
            WHERE match_id = $1 AND status = 'accepted' AND stalled_activity_at < $2 RETURNING participant_a, participant_b
            """,
            match_id,
            completed_at,
        )
        await refresh_states(self._connection, pair.values() if pair else [])
        return pair is not None

    async def revive_program(self, program_id: str, quiet_before: datetime) -> int:
        """Every dormant pair of a program with a completion newer than what it was judged on, or not
        quiet for long enough under the program's rule as it is now (it may have been relaxed)."""
        pairs = await self._connection.fetch(
            f"""
            UPDATE matches m SET stalled_at = NULL, stalled_activity_at = NULL, stall_ends_at = NULL
            WHERE m.program_id = $1 AND m.status = 'accepted' AND m.stalled_at IS NOT NULL
              AND ({_NEWER_COMPLETION} OR {_LAST_ACTIVITY} >= $2)
            RETURNING m.participant_a, m.participant_b
            """,
            program_id,
            quiet_before,
        )
        await refresh_states(self._connection, (pid for pair in pairs for pid in pair.values()))
        return len(pairs)

    async def past_grace(self, program_id: str, now: datetime, limit: int) -> Sequence[Match]:
        """Dormant pairs whose grace ended with nothing completed since, locked."""
        rows = await self._connection.fetch(
            f"""
            SELECT m.* FROM matches m
            WHERE m.program_id = $1 AND m.status = 'accepted' AND m.stall_ends_at <= $2 AND NOT {_NEWER_COMPLETION}
            ORDER BY m.stall_ends_at LIMIT $3 FOR UPDATE OF m SKIP LOCKED
            """,
            program_id,
            now,
            limit,
        )
        return [match_from_row(row) for row in rows]


async def programs_with_dormancy_work(
    connection: asyncpg.Connection, now: datetime, end_before: datetime
) -> Sequence[asyncpg.Record]:
    """(institution, program_id) of the programs where a sweep would change something: a pair gone
    quiet by its program's rule, a dormant pair to revive, or one past its grace. Read across every
    institution, without locks, so a sweep locks only the programs it has work in."""
    return await connection.fetch(
        f"""
        SELECT DISTINCT m.institution, m.program_id
        FROM matches m LEFT JOIN programs p ON p.institution = m.institution AND p.program_id = m.program_id
        WHERE m.status = 'accepted' AND (
            (m.stalled_at IS NULL AND {_LAST_ACTIVITY} < $1::timestamptz - make_interval(days => coalesce(p.dormant_after_days, 30)))
            OR (m.stalled_at IS NOT NULL AND ({_NEWER_COMPLETION}
                OR {_LAST_ACTIVITY} >= $1::timestamptz - make_interval(days => coalesce(p.dormant_after_days, 30))))
            OR m.stall_ends_at <= $2)
        """,
        now,
        end_before,
    )
