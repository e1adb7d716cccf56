"""A recipient's inbox in notify's database: their notifications in order, page by page, and what
they have read. The SQL orders by the domain's Place (sent_at, else created_at; template; id), which
the index of migration 009 holds in that order per recipient."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_notify.adapters.postgres.rows import notification_from_row
from mesh_notify.domain.inbox import Place
from mesh_notify.domain.notification import Notification
from mesh_runtime.index_order import in_index_order

_PLACE = ("n.listed_at", "n.template", "n.notification_id")  # listed_at: sent_at, else created_at (migration 009)
_UNREAD = "n.status = 'sent' AND n.read_at IS NULL"
UNREAD_COUNT = f"SELECT count(*) FROM notifications n WHERE n.recipient_id = $1 AND {_UNREAD}"


class PostgresInbox:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def page(
        self,
        recipient_id: UUID,
        *,
        statuses: Sequence[str] = (),
        unread_only: bool = False,
        newest_first: bool = False,
        before: Place | None = None,
        after: Place | None = None,
        limit: int | None = None,
    ) -> list[Notification]:
        """The recipient's notifications in inbox order (or the reverse), those strictly between
        ``after`` and ``before`` when given, at most ``limit``."""
        query, args = page_query(
            recipient_id,
            statuses=statuses,
            unread_only=unread_only,
            newest_first=newest_first,
            before=before,
            after=after,
            limit=limit,
        )
        return [notification_from_row(row) for row in await in_index_order(self._connection, query, args)]

    async def place(self, recipient_id: UUID, notification_id: UUID) -> Place | None:
        """Where the notification stands in the recipient's inbox; None when it is not theirs."""
        row = await self._connection.fetchrow(
            "SELECT * FROM notifications WHERE notification_id = $1 AND recipient_id = $2", notification_id, recipient_id
        )
        return Place.of(notification_from_row(row)) if row else None

    async def unread_count(self, recipient_id: UUID) -> int:
        return await self._connection.fetchval(UNREAD_COUNT, recipient_id)

    async def get_locked(self, notification_id: UUID) -> Notification | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM notifications WHERE notification_id = $1 FOR UPDATE", notification_id
        )
        return notification_from_row(row) if row else None

    async def record_read(self, notification: Notification) -> None:
        # updated_at stays: it tells when delivery last changed the row (read marks have read_at)
        await self._connection.execute(
            "UPDATE notifications SET read_at = $2 WHERE notification_id = $1", notification.notification_id, notification.read_at
        )

    async def read_all(self, recipient_id: UUID, through: Place | None, at: datetime) -> int:
        """Every sent one still unread (up to and including ``through``) is read at ``at``; how many."""
        args: list[object] = [recipient_id, at]
        up_to = ""
        if through is not None:
            args += [through.at, through.template, through.notification_id]
            up_to = f" AND ({', '.join(_PLACE)}) <= ($3, $4, $5)"
        status = await self._connection.execute(
            f"UPDATE notifications n SET read_at = $2 WHERE n.recipient_id = $1 AND {_UNREAD}{up_to}", *args
        )
        return int(status.split()[-1])


def page_query(
    recipient_id: UUID,
    *,
    statuses: Sequence[str] = (),
    unread_only: bool = False,
    newest_first: bool = False,
    before: Place | None = None,
    after: Place | None = None,
    limit: int | None = None,
) -> tuple[str, list[object]]:
    """The page's SQL and its arguments: only the conditions asked for, so the index serves the order
    and the bound (a generic plan of "$n IS NULL OR ..." would read the inbox from its start)."""
    args: list[object] = [recipient_id]
    where = ["n.recipient_id = $1"]
    if statuses:
        args.append(list(statuses))
        where.append(f"n.status = ANY(${len(args)}::text[])")
    if unread_only:
        where.append(_UNREAD)
    for place, operator in ((before, "<"), (after, ">")):
        if place is not None:
            args += [place.at, place.template, place.notification_id]
            where.append(f"({', '.join(_PLACE)}) {operator} (${len(args) - 2}, ${len(args) - 1}, ${len(args)})")
    direction = "DESC" if newest_first else "ASC"
    query = (
        f"SELECT n.* FROM notifications n WHERE {' AND '.join(where)} "
        f"ORDER BY {', '.join(f'{column} {direction}' for column in _PLACE)}"
    )
    if limit is not None:
        args.append(limit)
        query += f" LIMIT ${len(args)}"
    return query, args
