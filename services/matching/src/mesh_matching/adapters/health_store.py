"""Program health from matching's own tables: its people and pairs, and the sessions scheduling announced.

Each figure is per campus (a pair on two campuses counts on both) and for all campuses together
(each pair, person and session once)."""

from datetime import datetime, timedelta

import asyncpg

from mentoring_contracts import SessionCancelled, SessionCompleted, SessionScheduled

ALL_CAMPUSES = "*"
# How a match ended, in categories that quote nobody (a reason in a person's words stays unread here).
ENDED_CATEGORY = """CASE WHEN m.closing_reason = 'participant left the program' THEN 'participant left'
                         WHEN m.closing_reason LIKE 'the program closed%' THEN 'program closed'
                         WHEN m.closing_reason LIKE 'the pair lay dormant%' THEN 'dormant'
                         ELSE 'ended by the pair or a coordinator' END"""


class PostgresSessionsSeen:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def scheduled(self, event: SessionScheduled) -> None:
        await self._connection.execute(
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (session_id) DO UPDATE SET starts_at = excluded.starts_at
            """, event.session_id, event.match_id, event.program_id, event.starts_at)

    async def completed(self, event: SessionCompleted) -> None:
        # Completion may arrive before the scheduling it followed (another partition); both orders end alike.
        await self._connection.execute(
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, completed_at, reflections, rating_sum)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (session_id) DO UPDATE SET completed_at = excluded.completed_at,
                reflections = excluded.reflections, rating_sum = excluded.rating_sum
            """, event.session_id, event.match_id, event.program_id, event.completed_at, len(event.reflections),
            sum(reflection.progress_rating for reflection in event.reflections))

    async def cancelled(self, event: SessionCancelled) -> None:
        await self._connection.execute(
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at, cancelled_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (session_id) DO UPDATE SET cancelled_at = excluded.cancelled_at
            """, event.session_id, event.match_id, event.program_id, event.starts_at, event.cancelled_at)


async def program_health(connection: asyncpg.Connection, program_id: str, now: datetime) -> dict[str, dict]:
    """Figures per campus, and for ``ALL_CAMPUSES``."""
    figures: dict[str, dict] = {}
    for by_campus in (True, False):
        for row in await connection.fetch(_PEOPLE.format(campus="c.campus" if by_campus else f"'{ALL_CAMPUSES}'"), program_id):
            figures.setdefault(row["campus"], {}).update({k: v for k, v in row.items() if k != "campus"})
        # each campus of a pair once (both of a pair may be on one campus)
        pair_campus = "unnest(ARRAY(SELECT DISTINCT c FROM unnest(m.campuses) c))" if by_campus else f"'{ALL_CAMPUSES}'"
        for row in await connection.fetch(_PAIRS.format(campus=pair_campus), program_id, now):
            figures.setdefault(row["campus"], {}).update({k: v for k, v in row.items() if k != "campus"})
        for row in await connection.fetch(_ENDED.format(campus=pair_campus, category=ENDED_CATEGORY), program_id):
            figures.setdefault(row["campus"], {}).setdefault("ended_by_reason", {})[row["category"]] = row["ended"]
        for row in await connection.fetch(_SESSIONS.format(campus=pair_campus), program_id, now,
                                          now - timedelta(days=28)):
            figures.setdefault(row["campus"], {}).update({k: v for k, v in row.items() if k != "campus"})
    return figures


_PEOPLE = """
WITH firsts AS (
    SELECT c.participant_id, min(m.proposed_at) AS first_proposal
    FROM candidates c JOIN matches m ON m.participant_a = c.participant_id OR m.participant_b = c.participant_id
    WHERE c.program_id = $1 GROUP BY c.participant_id
), first_sessions AS (
    SELECT c.participant_id, min(s.starts_at) AS first_session
    FROM candidates c JOIN matches m ON m.participant_a = c.participant_id OR m.participant_b = c.participant_id
    JOIN pair_sessions s ON s.match_id = m.match_id
    WHERE c.program_id = $1 GROUP BY c.participant_id
)
SELECT {campus} AS campus, count(*) AS joined,
       count(*) FILTER (WHERE c.active AND c.used < c.capacity AND NOT EXISTS (
           SELECT 1 FROM matches o WHERE (o.participant_a = c.participant_id OR o.participant_b = c.participant_id)
           AND o.status IN ('proposed', 'accepted'))) AS waiting,
       avg(extract(epoch FROM f.first_proposal - c.joined_at)) AS seconds_to_first_proposal,
       avg(extract(epoch FROM s.first_session - c.joined_at)) AS seconds_to_first_session
FROM candidates c LEFT JOIN firsts f USING (participant_id) LEFT JOIN first_sessions s USING (participant_id)
WHERE c.program_id = $1
GROUP BY 1
"""

_PAIRS = """
SELECT campus, count(*) FILTER (WHERE status = 'proposed') AS proposed,
       count(*) FILTER (WHERE status IN ('accepted', 'ended')) AS matched,
       count(*) FILTER (WHERE status = 'accepted' AND NOT dormant) AS active_pairs,
       count(*) FILTER (WHERE status = 'accepted' AND dormant) AS dormant_pairs
FROM (
    SELECT {campus} AS campus, m.status,
           -- dormant: found so (MatchStalled) and not revived since
           m.stalled_at IS NOT NULL AS dormant
    FROM matches m WHERE m.program_id = $1 AND m.proposed_at <= $2
) pairs
GROUP BY campus
"""

_ENDED = """
SELECT {campus} AS campus, {category} AS category, count(*) AS ended
FROM matches m WHERE m.program_id = $1 AND m.status = 'ended'
GROUP BY 1, 2
"""

_SESSIONS = """
SELECT {campus} AS campus,
       count(*) FILTER (WHERE s.completed_at >= $3) / 4.0 AS sessions_per_week,
       count(*) FILTER (WHERE s.completed_at IS NOT NULL AND s.reflections > 0)::float
           / nullif(count(*) FILTER (WHERE s.cancelled_at IS NULL AND (s.starts_at <= $2 OR s.completed_at IS NOT NULL)), 0)
           AS reflected_share,
       sum(s.rating_sum)::float / nullif(sum(s.reflections), 0) AS average_rating,
       count(*) FILTER (WHERE s.completed_at IS NOT NULL) AS sessions_completed
FROM pair_sessions s JOIN matches m ON m.match_id = s.match_id
WHERE s.program_id = $1
GROUP BY 1
"""

