"""Notifications in notify's database: planned, due, delivered, and what erasure leaves of them."""

from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_notify.adapters.postgres.contacts import PostgresContacts
from mesh_notify.adapters.postgres.rows import notification_from_row
from mesh_notify.domain.notification import Notification

# What an erased recipient's unsent mail says instead of being sent; any other error (it may quote
# their address) goes.
ERASED_UNSENT = "recipient erased: not sent"

# Only a notification whose recipient is known goes. Checked per row (a scalar subquery, never
# turned into a join): as a join, row-level security's guess of a handful of contacts made the
# planner start from contacts and sort every due notification for each mail; this way the index in
# due order is read up to the first one that fits (migration 007).
_KNOWN_RECIPIENT = "(SELECT true FROM contacts c WHERE c.participant_id = n.recipient_id)"
_OLDEST_DUE = f"""
    FROM notifications n WHERE n.status = 'pending' AND n.next_attempt_at <= $1 AND {_KNOWN_RECIPIENT}
    ORDER BY n.next_attempt_at, n.created_at LIMIT 1 FOR UPDATE OF n SKIP LOCKED"""
NEXT_DUE_INSTITUTION = "SELECT n.institution" + _OLDEST_DUE
NEXT_DUE = "SELECT n.*" + _OLDEST_DUE


class PostgresNotifications:
    """During a run of events (``hold``), the notifications planned are kept and written together."""

    def __init__(self, connection: asyncpg.Connection, contacts: PostgresContacts | None = None) -> None:
        self._connection = connection
        self._contacts = contacts or PostgresContacts(connection)
        self._held: list[Notification] | None = None

    async def add(self, notification: Notification) -> None:
        """Written at once, or with the run's others when the run ends (``write_held``)."""
        if self._held is not None:
            self._held.append(notification)
            return
        await self.add_many([notification])

    def hold(self) -> None:
        self._held = []

    async def write_held(self) -> None:
        held, self._held = self._held or [], None
        await self.add_many(held)

    async def add_many(self, notifications: list[Notification]) -> None:
        """One statement; the campus is the recipient's as notify knows it when written."""
        if not notifications:
            return
        await self._contacts.write_changes()  # the campus is read from contacts
        columns = zip(*(_columns(n) for n in notifications), strict=True)
        await self._connection.execute(
            """
            INSERT INTO notifications (notification_id, recipient_id, template, context, caused_by_event_id,
                                       correlation_id, status, attempts, next_attempt_at, created_at, campus,
                                       session_id, session_revision, trace_parent)
            SELECT n.notification_id, n.recipient_id, n.template, n.context, n.caused_by_event_id, n.correlation_id,
                   n.status, n.attempts, n.next_attempt_at, n.created_at,
                   (SELECT campus FROM contacts WHERE participant_id = n.recipient_id),
                   n.session_id, n.session_revision, n.trace_parent
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::uuid[], $6::uuid[], $7::text[], $8::int[],
                        $9::timestamptz[], $10::timestamptz[], $11::uuid[], $12::int[], $13::text[]) WITH ORDINALITY
                AS n (notification_id, recipient_id, template, context, caused_by_event_id, correlation_id, status, attempts,
                      next_attempt_at, created_at, session_id, session_revision, trace_parent, position)
            ORDER BY n.position
            ON CONFLICT (caused_by_event_id, recipient_id, template) DO NOTHING
            """,
            *(list(column) for column in columns),
        )

    async def forget_recipient(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE notifications SET context = '{}',
                   last_error = CASE WHEN status = 'pending' OR last_error = $2 THEN $2 END,
                   status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
                   next_attempt_at = NULL, updated_at = now()
            WHERE recipient_id = $1
            -- once is enough: a redelivered erasure finds nothing left to change
            AND (context <> '{}' OR status = 'pending' OR next_attempt_at IS NOT NULL OR last_error <> $2)
            """,
            participant_id,
            ERASED_UNSENT,
        )
        return int(status.split()[-1])

    async def redact_mentions(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE notifications SET updated_at = now(), context = (context - 'reason' - 'note' - 'message') || jsonb_strip_nulls(jsonb_build_object(
                'reasons', CASE WHEN context ? 'reasons' THEN '[]'::jsonb END,
                'reflections', CASE WHEN context ? 'reflections' THEN (
                    SELECT coalesce(jsonb_agg(r - 'notes'), '[]') FROM jsonb_array_elements(context->'reflections') r) END))
            WHERE recipient_id <> $1 AND strpos(context::text, $1::text) > 0
            -- only where words are left to take out: a redelivered erasure changes nothing more
            AND (context ?| array['reason', 'note', 'message'] OR context->'reasons' <> '[]'::jsonb
                 OR EXISTS (SELECT 1 FROM jsonb_array_elements(
                     CASE WHEN jsonb_typeof(context->'reflections') = 'array' THEN context->'reflections' ELSE '[]' END) r
                     WHERE r ? 'notes'))
            """,
            str(participant_id),
        )
        return int(status.split()[-1])

    async def next_due_institution(self, now: datetime) -> list[asyncpg.Record]:
        """Whose is the oldest due notification no sender holds, as a row with its ``institution``
        (none when nothing is due). SKIP LOCKED: senders side by side are told of the next one, never
        kept spinning on one that is being sent."""
        return await self._connection.fetch(NEXT_DUE_INSTITUTION, now)

    async def cancel_reminders(self, session_id: UUID, before_revision: int | None, why: str) -> int:
        """Pending reminders of a session planned for an earlier revision (None: every one)."""
        if self._held:  # reminders planned earlier in the run are among them
            await self.write_held()
            self.hold()
        status = await self._connection.execute(
            """
            UPDATE notifications SET status = 'cancelled', next_attempt_at = NULL, last_error = $3, updated_at = now()
            WHERE session_id = $1 AND status = 'pending' AND template LIKE 'session_reminder_%'
              AND ($2::integer IS NULL OR session_revision < $2)
            """,
            session_id,
            before_revision,
            why,
        )
        return int(status.split()[-1])

    async def next_due(self, now: datetime) -> Notification | None:
        # SKIP LOCKED: several replicas deliver side by side without sending one notification twice.
        row = await self._connection.fetchrow(NEXT_DUE, now)
        return notification_from_row(row) if row else None

    async def save(self, notification: Notification) -> None:
        await self._connection.execute(
            """
            UPDATE notifications SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, sent_at = $6,
                                     updated_at = now()
            WHERE notification_id = $1
            """,
            notification.notification_id,
            notification.status.value,
            notification.attempts,
            notification.next_attempt_at,
            notification.last_error,
            notification.sent_at,
        )


def _columns(n: Notification) -> tuple[object, ...]:
    return (
        n.notification_id,
        n.recipient_id,
        n.template,
        n.context,
        n.caused_by_event_id,
        n.correlation_id,
        n.status.value,
        n.attempts,
        n.next_attempt_at,
        n.created_at,
        n.session_id,
        n.session_revision,
        n.trace_parent,
    )
