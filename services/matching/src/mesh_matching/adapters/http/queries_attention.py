"""What needs a coordinator's attention in a program, read in order of urgency: each list reads the
rows it shows and no more (an index per list, walked per campus), and its total from the counts.

- Dormant pairs: formed, found dormant (MatchStalled), not active since; the soonest to end first.
- Waiting longest: active, with room, no open proposal or pair (``health_people.waiting``), the
  longest waiting first; waiting since the later of joining and the close of their last proposal or pair.
- Declined often: active people who declined ``DECLINED_OFTEN`` or more proposals while in the
  program (a proposal closed because they left or were erased is not a decline); most declines
  first, then the latest to decline."""

from collections.abc import Sequence
from uuid import UUID

import asyncpg

DECLINED_OFTEN = 3  # as the partial index health_people_declining (migration 019) says


# (institution, program_id, campuses or None for all, limit): the first of the index, then those rows' details
DORMANT_PAIRS = """
SELECT x.match_id, x.campuses, x.participant_a, x.participant_b, x.role_a, x.role_b, x.formed_at, x.stalled_at,
       x.stall_ends_at,
       (SELECT max(s.completed_at) FROM pair_sessions s WHERE s.match_id = x.match_id AND s.completed_at IS NOT NULL)
           AS last_session_at
FROM (SELECT d.match_id FROM matches d
      WHERE d.institution = $1 AND d.program_id = $2 AND d.status = 'accepted' AND d.stalled_at IS NOT NULL
        AND ($3::text[] IS NULL OR d.campuses && $3::text[])
      ORDER BY d.stall_ends_at, d.match_id LIMIT $4) shown
JOIN matches x ON x.match_id = shown.match_id
ORDER BY x.stall_ends_at, x.match_id
"""
# (institution, program_id, campuses, limit): per campus its first rows of the index, then the first of those
WAITING_LONGEST = """
SELECT w.* FROM unnest($3::text[]) AS shown (campus) CROSS JOIN LATERAL (
    SELECT p.participant_id, p.campus, p.waiting_since, p.declines FROM health_people p
    WHERE p.institution = $1 AND p.program_id = $2 AND p.campus = shown.campus AND p.waiting
    ORDER BY p.waiting_since, p.participant_id LIMIT $4) w
ORDER BY w.waiting_since, w.participant_id LIMIT $4
"""
DECLINING_PEOPLE = f"""
SELECT d.* FROM unnest($3::text[]) AS shown (campus) CROSS JOIN LATERAL (
    SELECT p.participant_id, p.campus, p.declines, p.last_declined_at, p.declined_by_partners FROM health_people p
    WHERE p.institution = $1 AND p.program_id = $2 AND p.campus = shown.campus AND p.active
      AND p.declines >= {DECLINED_OFTEN}
    ORDER BY p.declines DESC, p.last_declined_at DESC, p.participant_id LIMIT $4) d
ORDER BY d.declines DESC, d.last_declined_at DESC, d.participant_id LIMIT $4
"""


async def dormant_pairs(
    connection: asyncpg.Connection, institution: str, program_id: str, campuses: list[str] | None, limit: int
) -> Sequence[asyncpg.Record]:
    """On these campuses (a pair on either of them; all: None)."""
    return await connection.fetch(DORMANT_PAIRS, institution, program_id, campuses, limit)


async def count_dormant_pairs(connection: asyncpg.Connection, institution: str, program_id: str, campuses: list[str]) -> int:
    """Dormant pairs on any of several campuses, each once (the counts would count a pair on two twice)."""
    return await connection.fetchval(
        """
        SELECT count(*) FROM matches x
        WHERE x.institution = $1 AND x.program_id = $2 AND x.status = 'accepted' AND x.stalled_at IS NOT NULL
          AND x.campuses && $3::text[]
        """,
        institution,
        program_id,
        campuses,
    )


async def waiting_longest(
    connection: asyncpg.Connection, institution: str, program_id: str, campuses: list[str], limit: int
) -> Sequence[asyncpg.Record]:
    return await connection.fetch(WAITING_LONGEST, institution, program_id, campuses, limit)


async def declined_often(
    connection: asyncpg.Connection, institution: str, program_id: str, campuses: list[str], limit: int
) -> Sequence[asyncpg.Record]:
    return await connection.fetch(DECLINING_PEOPLE, institution, program_id, campuses, limit)


async def people(connection: asyncpg.Connection, participant_ids: list[UUID]) -> dict[UUID, asyncpg.Record]:
    """Shown name, campus and the roles they offer, of these people only."""
    rows = await connection.fetch(
        """
        SELECT participant_id, campus, profile->>'display_name' AS display_name,
               ARRAY(SELECT DISTINCT topic->>'role' FROM jsonb_array_elements(profile->'topics') AS topic ORDER BY 1) AS roles
        FROM candidates WHERE participant_id = ANY($1::uuid[])
        """,
        participant_ids,
    )
    return {row["participant_id"]: row for row in rows}
