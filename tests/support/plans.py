"""A service's connection that also explains what it runs: each statement is run under EXPLAIN ANALYZE
first (a write inside a savepoint rolled back, so it happens once), then for real; the rows each scan
of a table examined are added up, and each scan's estimate is kept next to what it found."""

import json
from typing import Any

import asyncpg


class _Undo(Exception):
    pass


class Explained:
    def __init__(self, connection: Any, *, writes: bool = False) -> None:
        """``writes``: explain writes too (else only reads are explained)."""
        self.connection = connection
        self.writes = writes
        self.examined: dict[str, int] = {}
        self.estimates: list[tuple[str, float, float, str]] = []  # (table, rows estimated, rows found per loop, statement)
        self.plans: list[dict] = []

    async def execute(self, query: str, *args: Any) -> Any:
        if self.writes and args:
            await self._explain(query, args)
        return await self.connection.execute(query, *args)

    async def executemany(self, query: str, args: Any) -> Any:
        return await self.connection.executemany(query, args)

    async def fetch(self, query: str, *args: Any) -> Any:
        if "pg_settings" not in query:
            await self._explain(query, args)
        return await self.connection.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        rows = await self.fetch(query, *args)
        return rows[0] if rows else None

    async def fetchval(self, query: str, *args: Any) -> Any:
        rows = await self.fetch(query, *args)
        return rows[0][0] if rows else None

    def transaction(self) -> Any:
        return self.connection.transaction()

    async def _explain(self, query: str, args: tuple) -> None:
        try:
            async with self.connection.transaction():  # a savepoint: an explained write is undone
                explained = await self.connection.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", *args)
                raise _Undo
        except _Undo:
            pass
        except asyncpg.PostgresError:  # a statement EXPLAIN does not take (a NOTIFY, a lock): run as is
            return
        plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
        self.plans.append({"query": query, "plan": plan})
        self._count(plan, query)

    def _count(self, plan: dict, query: str) -> None:
        if relation := plan.get("Relation Name"):
            rows = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0) + plan.get("Rows Removed by Index Recheck", 0)
            self.examined[relation] = self.examined.get(relation, 0) + rows * plan.get("Actual Loops", 1)
            if plan.get("Actual Loops", 1):
                self.estimates.append((relation, plan["Plan Rows"], plan["Actual Rows"], query))
        for child in plan.get("Plans", []):
            self._count(child, query)
