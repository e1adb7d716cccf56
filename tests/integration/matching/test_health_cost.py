"""What program health and its attention lists read must not grow with the program: among 100,000
participants, under row-level security as the service's own role, each list reads about the rows it
shows, and the figures (a program's, the institution's) read counts, never a participant."""

import json
from datetime import UTC, datetime, time, timedelta

from mesh_matching.adapters.http.queries_attention import DECLINING_PEOPLE, DORMANT_PAIRS, WAITING_LONGEST
from mesh_matching.adapters.http.queries_health import COUNTS
from mesh_runtime.db import Database, create_pool
from tests.support.bulk_candidates import add_candidates
from tests.support.databases import as_owner
from tests.support.factories import profile
from tests.support.identity import INSTITUTION

PEOPLE, PAIRS, DORMANT, SESSIONS, SOON, PROGRAM = 100_000, 20_000, 2_000, 5_000, 100, "big-program"
PEOPLES_TABLES = {"candidates", "health_people", "matches", "pair_sessions"}


def rows_read(plan: dict, tables: set[str]) -> int:
    """Rows the scans of these tables produced, over the whole plan."""
    read = plan["Actual Rows"] * plan.get("Actual Loops", 1) if plan.get("Relation Name") in tables else 0
    return read + sum(rows_read(child, tables) for child in plan.get("Plans", []))


async def big_program(database: Database, url: str) -> None:
    """100,000 people on two campuses, a third of them waiting; 20,000 formed pairs, 2,000 of them
    dormant; 5,000 sessions completed; every seventh person has declined 3 to 6 proposals."""
    now = datetime.now(UTC)
    async with database.transaction(INSTITUTION) as transaction:
        connection = transaction.connection
        await add_candidates(  # even rows on campus north (the first template), odd ones on south
            connection,
            PROGRAM,
            [profile(program_id=PROGRAM, campus="north"), profile(program_id=PROGRAM, campus="south")],
            range(1, PEOPLE + 1),
            ids="md5('p' || i)::uuid",
            name="'Person ' || i",
            capacity="1",
            used="CASE WHEN i % 3 = 0 THEN 0 ELSE 1 END",
            subject="NULL",
            joined_at=f"'{now.isoformat()}'::timestamptz - i * interval '1 minute'",
        )
        await connection.execute(  # pairs of two people with no room left (i % 3 <> 0), on one campus: 6k+1 with
            # 6k+5 and 6k+2 with 6k+4
            """
            INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b, score,
                                 score_parts, reasons, status, proposed_at, expires_at, formed_at, campuses,
                                 stalled_at, stalled_activity_at, stall_ends_at)
            SELECT md5('m' || n)::uuid, $1, 'Calculus II', 'peer', md5('p' || a)::uuid, md5('p' || a + 4 - 2 * (n % 2))::uuid, 'peer', 'peer',
                   0.5, '[]', '[]', 'accepted', $2::timestamptz - interval '60 days', $2::timestamptz, $2::timestamptz - interval '59 days',
                   ARRAY[CASE WHEN a % 2 = 0 THEN 'north' ELSE 'south' END],
                   CASE WHEN n <= $4 THEN $2::timestamptz END, CASE WHEN n <= $4 THEN $2::timestamptz - interval '40 days' END,
                   CASE WHEN n <= $4 THEN $2::timestamptz + n * interval '1 minute' END
            FROM generate_series(1, $3) n, LATERAL (SELECT (n / 2) * 6 + 1 + n % 2 AS a) pair
            """,
            PROGRAM,
            now,
            PAIRS,
            DORMANT,
        )
        await connection.execute(  # a session completed by each of the first pairs, and a hundred to start later today
            """
            INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at, completed_at, reflections, rating_sum)
            SELECT gen_random_uuid(), md5('m' || ((n - 1) % $3::int + 1))::uuid, $1, $2::timestamptz - n * interval '1 minute',
                   CASE WHEN n <= $3::int THEN $2::timestamptz - n * interval '1 minute' END, 1, 4
            FROM generate_series(1, $3::int + $4::int) n
            """,
            PROGRAM,
            now,
            SESSIONS,
            SOON,
        )
        await connection.execute(
            "UPDATE pair_sessions SET starts_at = $1::timestamptz + interval '1 hour' WHERE completed_at IS NULL", now
        )
        await connection.execute(
            """
            UPDATE health_people SET declines = 3 + (hashtext(participant_id::text) & 3), last_declined_at = $1
            WHERE participant_id IN (SELECT md5('p' || i)::uuid FROM generate_series(7, $2, 7) i)
            """,
            now - timedelta(days=1),
            PEOPLE,
        )
    await as_owner(
        url,
        *(
            f"VACUUM ANALYZE {table}"
            for table in (  # as autovacuum would
                "candidates",
                "matches",
                "health_people",
                "health_counts",
                "health_counts_by_date",
                "pair_sessions",
            )
        ),
    )


async def test_lists_and_figures_read_what_they_show_among_a_hundred_thousand(database_factory) -> None:
    url = await database_factory("mesh_matching.migrations")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    try:
        await big_program(database, url)
        now = datetime.now(UTC)
        today = now.date()
        tomorrow = datetime.combine(today + timedelta(days=1), time(), UTC)
        checks = [
            ("waiting, both campuses", WAITING_LONGEST, (INSTITUTION, PROGRAM, ["north", "south"], 20), 20, 40),
            ("waiting, one campus", WAITING_LONGEST, (INSTITUTION, PROGRAM, ["north"], 20), 20, 20),
            ("declined often", DECLINING_PEOPLE, (INSTITUTION, PROGRAM, ["north", "south"], 20), 20, 40),
            # the index's first, then their rows and their last sessions
            ("dormant pairs", DORMANT_PAIRS, (INSTITUTION, PROGRAM, None, 20), 20, 3 * 20),
            ("dormant pairs, one campus", DORMANT_PAIRS, (INSTITUTION, PROGRAM, ["north"], 20), 20, 5 * 20),
            # the counts, and the sessions still to start today (read from the sessions: a day's, at most)
            (
                "a program's figures",
                COUNTS,
                (INSTITUTION, [PROGRAM], today - timedelta(days=27), today, now, tomorrow),
                None,
                2 * SOON,
            ),
            (
                "the institution's figures",
                COUNTS,
                (INSTITUTION, None, today - timedelta(days=27), today, now, tomorrow),
                None,
                2 * SOON,
            ),
        ]
        async with database.transaction(INSTITUTION) as transaction:
            for what, query, args, shown, most in checks:
                found = await transaction.connection.fetch(query, *args)
                explained = await transaction.connection.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", *args)
                plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
                assert shown is None or len(found) == shown, what
                assert rows_read(plan, PEOPLES_TABLES) <= most, f"{what}: read {rows_read(plan, PEOPLES_TABLES)}: {explained}"
            waiting = await transaction.connection.fetchval(
                "SELECT amount FROM health_counts WHERE program_id = $1 AND campus = '*' AND measure = 'waiting'", PROGRAM
            )
            assert waiting == PEOPLE // 3
    finally:
        await pool.close()
