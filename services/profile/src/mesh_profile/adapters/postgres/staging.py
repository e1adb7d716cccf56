"""A batch of rows written in one set-based statement: COPYed into a temporary staging table, then
moved into the secured table by one ``INSERT ... SELECT`` or ``UPDATE ... FROM``.

Row-level security refuses COPY into a secured table; the statement reading the staging table is an
ordinary one, so the table's policy checks every row it writes, as it would a row inserted alone."""

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg


async def through_staging(
    connection: asyncpg.Connection,
    name: str,
    columns: Sequence[tuple[str, str]],
    records: Iterable[Sequence[Any]],
    statement: str,
) -> None:
    """COPYs ``records`` into a new temporary table ``name`` of ``columns`` (name, SQL type), runs
    ``statement`` (which reads ``name``; it takes no parameters) and drops the table: three round
    trips, whatever the number of rows. The table
    is the transaction's own (dropped at commit at the latest), so concurrent batches never share one."""
    await connection.execute(
        f"CREATE TEMP TABLE {name} ({', '.join(f'{column} {kind}' for column, kind in columns)}) ON COMMIT DROP"
    )
    await connection.copy_records_to_table(name, records=records, columns=[column for column, _ in columns])
    # One simple-protocol exchange: the move, then the drop, so a second batch in the same
    # transaction can stage again under the same name.
    await connection.execute(f"{statement}; DROP TABLE {name}")
