"""What finding the next due mail reads must not grow with the mail kept: a sender reads the due
order up to the first notification that fits, under row-level security, however many are kept."""

import json
from datetime import UTC, datetime

from mesh_notify.adapters.postgres.notifications import NEXT_DUE, NEXT_DUE_INSTITUTION
from mesh_runtime.db import ALL_TENANTS, Database, create_pool
from tests.support.databases import as_owner
from tests.support.identity import INSTITUTION

KEPT, DUE, PEOPLE = 20_000, 300, 2_000


def _rows_read(plan: dict) -> int:
    """Rows every scan of notifications produced, over the whole plan."""
    read = plan["Actual Rows"] * plan.get("Actual Loops", 1) if plan.get("Relation Name") == "notifications" else 0
    return read + sum(_rows_read(child) for child in plan.get("Plans", []))


async def test_the_next_due_lookup_reads_a_handful_of_rows_among_twenty_thousand_kept(database_factory) -> None:
    url = await database_factory("mesh_notify.migrations")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    try:
        async with database.transaction(INSTITUTION) as transaction:
            connection = transaction.connection
            await connection.execute(
                """INSERT INTO contacts (participant_id, display_name, email, time_zone, campus)
                   SELECT md5('p' || i)::uuid, 'Person ' || i, 'p' || i || '@uni.example.edu', 'UTC', 'north'
                   FROM generate_series(1, $1) i""",
                PEOPLE,
            )
            # Mail kept from before (sent), then the due ones, oldest first by next_attempt_at.
            await connection.execute(
                """INSERT INTO notifications (notification_id, recipient_id, template, context, caused_by_event_id,
                                              correlation_id, status, next_attempt_at, created_at, campus)
                   SELECT gen_random_uuid(), md5('p' || (i % $3::integer + 1))::uuid, 'welcome', '{}', gen_random_uuid(),
                          gen_random_uuid(), CASE WHEN i <= $1 THEN 'sent' ELSE 'pending' END,
                          CASE WHEN i <= $1 THEN NULL ELSE now() - interval '1 hour' + i * interval '1 ms' END,
                          now() - interval '2 hours', 'north'
                   FROM generate_series(1, $1::integer + $2::integer) i""",
                KEPT,
                DUE,
                PEOPLE,
            )
        await as_owner(url, "ANALYZE contacts", "ANALYZE notifications")  # only a table's owner may
        for query, tenant in ((NEXT_DUE_INSTITUTION, ALL_TENANTS), (NEXT_DUE, INSTITUTION)):
            async with database.transaction(tenant) as transaction:
                found = await transaction.connection.fetchval(query, datetime.now(UTC))
                explained = await transaction.connection.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", datetime.now(UTC))
            assert found is not None
            plans = json.loads(explained) if isinstance(explained, str) else explained  # the pool decodes json
            read = _rows_read(plans[0]["Plan"])
            assert read <= 10, f"read {read} notifications to find the first due one: {explained}"
    finally:
        await pool.close()
