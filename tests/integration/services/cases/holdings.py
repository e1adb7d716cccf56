"""What a service's database holds, read generically: every table of its schema, every column cast to
text (bytea decoded), searched for a string; and a fingerprint of every table, to tell whether
anything changed. Read across all tenants, so nothing hides behind row-level security."""

from collections import defaultdict
from collections.abc import Collection

from fastapi import FastAPI

from mesh_runtime.db import ALL_TENANTS

# Kept by the runtime for itself, not about anyone: which events were consumed, which migrations ran.
BOOKKEEPING = frozenset({"mesh_inbox", "mesh_schema_migrations"})


async def columns_of(app: FastAPI) -> dict[str, list[tuple[str, str]]]:
    """Each base table of the service's schema with its columns and their types."""
    async with app.state.components.database.transaction(ALL_TENANTS) as transaction:
        rows = await transaction.connection.fetch(
            """
            SELECT c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position
            """
        )
    tables: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        tables[row["table_name"]].append((row["column_name"], row["data_type"]))
    return dict(tables)


def _as_text(column: str, data_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    return f"encode({quoted}, 'escape')" if data_type == "bytea" else f"{quoted}::text"


async def mentions(app: FastAPI, needle: str, *, besides_outbox_rows: Collection[int] = ()) -> set[str]:
    """The ``table.column`` pairs of every row whose text holds ``needle`` (case-folded: a name kept
    lower-cased still counts); the outbox's ``besides_outbox_rows`` (ids) are not searched."""
    found: set[str] = set()
    tables = await columns_of(app)
    async with app.state.components.database.transaction(ALL_TENANTS) as transaction:
        for table, columns in tables.items():
            counts = ", ".join(
                f"count(*) FILTER (WHERE strpos(lower({_as_text(name, kind)}), lower($1)) > 0)" for name, kind in columns
            )
            if table == "mesh_outbox":
                query, arguments = (
                    f"SELECT {counts} FROM mesh_outbox WHERE NOT id = ANY($2::bigint[])",
                    (list(besides_outbox_rows),),
                )
            else:
                query, arguments = f'SELECT {counts} FROM "{table}"', ()
            row = await transaction.connection.fetchrow(query, needle, *arguments)
            found |= {f"{table}.{name}" for (name, _), count in zip(columns, row, strict=True) if count}
    return found


async def rows_naming(app: FastAPI, needle: str) -> dict[str, int]:
    """How many rows of each table hold ``needle`` anywhere (bookkeeping aside, and the outbox, whose
    rows stay only until published, and a while after)."""
    tables = await columns_of(app)
    counts: dict[str, int] = {}
    async with app.state.components.database.transaction(ALL_TENANTS) as transaction:
        for table, columns in tables.items():
            if table in BOOKKEEPING or table == "mesh_outbox":
                continue
            anywhere = " OR ".join(f"strpos(lower({_as_text(name, kind)}), lower($1)) > 0" for name, kind in columns)
            if count := await transaction.connection.fetchval(f'SELECT count(*) FROM "{table}" WHERE {anywhere}', needle):
                counts[table] = count
    return counts


async def fingerprint(app: FastAPI, *, leaving_out: frozenset[str] = frozenset()) -> dict[str, str]:
    """Each table's rows, digested (order-free): equal fingerprints, equal contents."""
    tables = await columns_of(app)
    async with app.state.components.database.transaction(ALL_TENANTS) as transaction:
        return {
            table: await transaction.connection.fetchval(
                f"SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM \"{table}\" r"
            )
            for table in tables
            if table not in leaving_out
        }
