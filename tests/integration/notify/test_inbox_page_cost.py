"""What a page of an inbox reads must not grow with the inbox: deep in ten thousand notifications of one
recipient (among as many of others'), under row-level security, a page of 20 reads about 20 rows,
whichever way it is ordered and filtered, and the unread count reads only what is unread."""

import json

import pytest

from mesh_notify.adapters.postgres.inbox import UNREAD_COUNT, PostgresInbox, page_query
from mesh_notify.domain.inbox import Place
from mesh_runtime.db import Database, create_pool
from mesh_runtime.index_order import in_index_order
from tests.integration.notify.test_due_lookup_cost import _rows_read
from tests.support.databases import as_owner
from tests.support.identity import INSTITUTION

MINE, UNREAD, PAGE = 10_000, 40, 20
RECIPIENT = "00000000-0000-4000-8000-000000000001"


@pytest.fixture
async def long_inbox(database_factory):
    url = await database_factory("mesh_notify.migrations")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    async with database.transaction(INSTITUTION) as transaction:
        # Every other one hers, a second apart; others' in between. Hers unread: one in 250, all along.
        await transaction.connection.execute(
            """INSERT INTO notifications (notification_id, recipient_id, template, context, caused_by_event_id,
                                          correlation_id, status, created_at, sent_at, read_at, campus)
               SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN $1::uuid ELSE gen_random_uuid() END,
                      'welcome', '{}', gen_random_uuid(), gen_random_uuid(), 'sent',
                      now() - interval '30 days', now() - interval '30 days' + i * interval '1 second',
                      CASE WHEN i % 500 = 0 THEN NULL ELSE now() END, 'north'
               FROM generate_series(1, $2::integer) i""",
            RECIPIENT,
            2 * MINE,
        )
    await as_owner(url, "ANALYZE notifications")  # only a table's owner may
    try:
        yield database
    finally:
        await pool.close()


async def rows_read(database: Database, query: str, args: list, *, as_a_page: bool = True) -> tuple[int, list]:
    """Rows of notifications the query read (EXPLAIN ANALYZE), and what it found; ``as_a_page``: run as
    PostgresInbox.page runs its query."""
    run = in_index_order if as_a_page else lambda connection, sql, given: connection.fetch(sql, *given)
    async with database.transaction(INSTITUTION) as transaction:
        found = await run(transaction.connection, query, args)
        [(explained,)] = await run(transaction.connection, f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", args)
    plans = json.loads(explained) if isinstance(explained, str) else explained  # the pool decodes json
    return _rows_read(plans[0]["Plan"]), found


async def test_a_page_deep_in_a_long_inbox_reads_about_one_page_of_rows(long_inbox) -> None:
    async with long_inbox.transaction(INSTITUTION) as transaction:
        inbox = PostgresInbox(transaction.connection)
        everything = await inbox.page(RECIPIENT)
        assert len(everything) == MINE and await inbox.unread_count(RECIPIENT) == UNREAD
    deep = Place.of(everything[MINE // 2])
    for shape in (
        {"newest_first": True, "before": deep},
        {"after": deep},
        {"newest_first": True, "before": deep, "statuses": ["sent"]},
    ):
        read, found = await rows_read(long_inbox, *page_query(RECIPIENT, limit=PAGE, **shape))
        assert [row["notification_id"] for row in found] == [
            n.notification_id
            for n in (
                everything[MINE // 2 - PAGE : MINE // 2][::-1]
                if shape.get("newest_first")
                else everything[MINE // 2 + 1 : MINE // 2 + 1 + PAGE]
            )
        ]
        assert read <= PAGE + 5, f"{shape}: read {read} rows for a page of {PAGE}"
    read, found = await rows_read(long_inbox, *page_query(RECIPIENT, limit=PAGE, newest_first=True, unread_only=True))
    assert len(found) == PAGE and read <= PAGE + 5, f"read {read} rows for the newest {PAGE} unread of {UNREAD}"
    read, [(count,)] = await rows_read(long_inbox, UNREAD_COUNT, [RECIPIENT], as_a_page=False)
    assert count == UNREAD and read <= UNREAD, f"read {read} rows to count {UNREAD} unread"
