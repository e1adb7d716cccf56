"""Reading a page along an index, in its order, stopping at the page's last row.

A keyset page (``WHERE (a, b) < ($1, $2) ORDER BY a DESC, b DESC LIMIT n``) reads its rows and no
more when the planner walks an index whose columns are the filter's, then the order's. Under
row-level security it does not choose that on its own: the tenant check cannot be estimated, so the
planner takes any filter for a handful of rows and would read and sort all of them instead (a deep
page of 100,000 read them all), or for many rows to share among parallel workers (which take
longer to start than a page takes to read). So, for the one statement: no sort, no whole-table or
bitmap scan, no parallel workers, and a plan for the values given (the index that fits them); the
settings go back after it (a statement that fails takes them back with its transaction)."""

from collections.abc import Sequence

import asyncpg

_ALONG_AN_INDEX = (
    ("enable_sort", "off"),
    ("enable_seqscan", "off"),
    ("enable_bitmapscan", "off"),
    ("max_parallel_workers_per_gather", "0"),
    ("plan_cache_mode", "force_custom_plan"),
)
_SET = "SELECT set_config(name, setting, true) FROM unnest($1::text[], $2::text[]) AS s(name, setting)"


async def in_index_order(connection: asyncpg.Connection, query: str, args: Sequence[object]) -> list[asyncpg.Record]:
    """Runs ``query`` (inside the caller's transaction) with the settings above, then restores them."""
    names = [name for name, _ in _ALONG_AN_INDEX]
    was = await connection.fetch("SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])", names)
    await connection.execute(_SET, names, [setting for _, setting in _ALONG_AN_INDEX])
    rows = await connection.fetch(query, *args)
    await connection.execute(_SET, [row["name"] for row in was], [row["setting"] for row in was])
    return rows
