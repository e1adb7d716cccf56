"""The reads of program health: from counts matching keeps as its rows change (migration 019): a read costs a few
rows per program and campus, whatever the number of people, pairs and sessions.

Each count is per program and campus (a pair on two campuses counts on both) and for the program's
campuses together, ``ALL_CAMPUSES`` (each person, pair and session once). Dated counts are by UTC
day; a week starts on Monday."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import asyncpg

from mesh_matching.domain.health_weeks import TermDates, monday_of

ALL_CAMPUSES = "*"
RECENT_DAYS = 28  # sessions_per_week: completed on the last 28 days (today included), over 4
Measures = dict[str, Decimal]


async def health_counts(
    connection: asyncpg.Connection, institution: str, program_ids: list[str] | None, now: datetime
) -> dict[tuple[str, str], Measures]:
    """Every measure of these programs (all the institution's: None), by (program, campus), with two
    read at ``now``: ``sessions_completed_recent`` (on the last ``RECENT_DAYS`` days) and
    ``sessions_pending_later`` (scheduled to start after now, not completed nor cancelled)."""
    today = now.astimezone(UTC).date()
    tomorrow = datetime.combine(today + timedelta(days=1), time(), UTC)
    counts: dict[tuple[str, str], Measures] = defaultdict(dict)
    for row in await connection.fetch(
        COUNTS, institution, program_ids, today - timedelta(days=RECENT_DAYS - 1), today, now, tomorrow
    ):
        measures = counts[(row["program_id"], row["campus"])]
        measures[row["measure"]] = measures.get(row["measure"], Decimal(0)) + row["amount"]
    return counts


# (institution, programs or None for all, first recent day, today, now, tomorrow's midnight)
COUNTS = """
SELECT program_id, campus, measure, amount FROM health_counts
WHERE institution = $1 AND ($2::text[] IS NULL OR program_id = ANY($2::text[]))
UNION ALL
SELECT program_id, campus, 'sessions_completed_recent', sum(amount) FROM health_counts_by_date
WHERE institution = $1 AND ($2::text[] IS NULL OR program_id = ANY($2::text[])) AND measure = 'sessions_completed'
  AND on_date BETWEEN $3 AND $4
GROUP BY 1, 2
UNION ALL
SELECT program_id, campus, 'sessions_pending_later', sum(amount) FROM health_counts_by_date
WHERE institution = $1 AND ($2::text[] IS NULL OR program_id = ANY($2::text[])) AND measure = 'sessions_pending'
  AND on_date > $4
GROUP BY 1, 2
UNION ALL
-- today's sessions yet to start: one day's, read from the sessions themselves
SELECT s.program_id, c.campus, 'sessions_pending_later', count(*) FROM pair_sessions s
LEFT JOIN matches x ON x.match_id = s.match_id CROSS JOIN LATERAL health_campuses(x.campuses) AS c (campus)
WHERE s.institution = $1 AND s.starts_at > $5 AND s.starts_at < $6 AND s.completed_at IS NULL AND s.cancelled_at IS NULL
  AND ($2::text[] IS NULL OR s.program_id = ANY($2::text[]))
GROUP BY 1, 2
"""


async def weekly_counts(
    connection: asyncpg.Connection, institution: str, program_id: str, first_week: date, last_week: date
) -> dict[str, dict[date, tuple[int, int]]]:
    """Per campus (and ``ALL_CAMPUSES``): per week (its Monday) of these, (sessions completed, pairs that met)."""
    weeks: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in await connection.fetch(
        """
            SELECT campus, measure, on_date, amount FROM health_counts_by_date
            WHERE institution = $1 AND program_id = $2 AND measure IN ('sessions_completed', 'pairs_met')
              AND on_date BETWEEN $3 AND $4
            """,
        institution,
        program_id,
        first_week,
        last_week + timedelta(days=6),
    ):
        weeks[row["campus"]][monday_of(row["on_date"])][row["measure"] == "pairs_met"] += int(row["amount"])
    return {campus: {week: (sessions, pairs) for week, (sessions, pairs) in by_week.items()} for campus, by_week in weeks.items()}


async def program_terms(connection: asyncpg.Connection, program_id: str) -> list[TermDates]:
    """The terms of its definition as matching last heard it (none before its first definition since 019)."""
    terms = await connection.fetchval("SELECT terms FROM programs WHERE program_id = $1", program_id) or []
    return [
        TermDates(t["term_id"], t["name"], date.fromisoformat(t["starts_on"]), date.fromisoformat(t["ends_on"])) for t in terms
    ]


async def institution_programs(connection: asyncpg.Connection, institution: str) -> dict[str, str | None]:
    """Every program of the institution matching knows (defined, or with someone who joined), and its name."""
    rows = await connection.fetch(
        """
        SELECT program_id, name FROM programs WHERE institution = $1
        UNION
        SELECT program_id, NULL FROM health_counts WHERE institution = $1 AND campus = '*' AND measure = 'joined'
          AND program_id NOT IN (SELECT program_id FROM programs WHERE institution = $1)
        """,
        institution,
    )
    return {row["program_id"]: row["name"] for row in sorted(rows, key=lambda r: r["program_id"])}


async def counted_campuses(connection: asyncpg.Connection, institution: str, program_id: str) -> set[str]:
    """The campuses a program has counts on (someone joined there, or a pair or session of theirs)."""
    rows = await connection.fetch(
        "SELECT DISTINCT campus FROM health_counts WHERE institution = $1 AND program_id = $2 AND campus <> '*'",
        institution,
        program_id,
    )
    return {row["campus"] for row in rows}
