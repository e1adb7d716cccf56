"""Contacts and notifications in the notify service's own PostgreSQL database."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

import asyncpg

from mesh_notify.adapters.inbox_store import PostgresInbox
from mesh_notify.adapters.notification_rows import notification_from_row
from mesh_notify.adapters.preferences_store import PostgresPreferences, PostgresSessionRevisions
from mesh_notify.domain.notification import Contact, Notification
from mesh_runtime.db import Cause, Transaction, UnitOfWork
from mesh_runtime.erasures import PostgresErasures


class PostgresContacts:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def upsert(self, contact: Contact) -> None:
        await self._connection.execute(
            """
            INSERT INTO contacts (participant_id, display_name, email, time_zone, subject, campus)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (participant_id) DO UPDATE
            SET display_name = excluded.display_name, email = excluded.email, time_zone = excluded.time_zone,
                subject = coalesce(excluded.subject, contacts.subject), campus = excluded.campus
            """,
            contact.participant_id,
            contact.display_name,
            contact.email,
            contact.time_zone,
            contact.subject,
            contact.campus,
        )

    async def get(self, participant_id: UUID) -> Contact | None:
        row = await self._connection.fetchrow("SELECT * FROM contacts WHERE participant_id = $1", participant_id)
        return _contact(row) if row else None

    async def many(self, participant_ids: Iterable[UUID]) -> dict[UUID, Contact]:
        """Those of them notify knows, by id."""
        rows = await self._connection.fetch("SELECT * FROM contacts WHERE participant_id = ANY($1)", list(participant_ids))
        return {row["participant_id"]: _contact(row) for row in rows}

    async def remove(self, participant_id: UUID) -> bool:
        return await self._connection.execute("DELETE FROM contacts WHERE participant_id = $1", participant_id) == "DELETE 1"


def _contact(row: asyncpg.Record) -> Contact:
    return Contact(row["participant_id"], row["display_name"], row["email"], row["time_zone"], row["subject"], row["campus"])


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
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, notification: Notification) -> None:
        await self._connection.execute(
            """
            INSERT INTO notifications (notification_id, recipient_id, template, context, caused_by_event_id,
                                       correlation_id, status, attempts, next_attempt_at, created_at, campus,
                                       session_id, session_revision, trace_parent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (SELECT campus FROM contacts WHERE participant_id = $2),
                    $11, $12, $13)
            ON CONFLICT (caused_by_event_id, recipient_id, template) DO NOTHING
            """,
            notification.notification_id,
            notification.recipient_id,
            notification.template,
            notification.context,
            notification.caused_by_event_id,
            notification.correlation_id,
            notification.status.value,
            notification.attempts,
            notification.next_attempt_at,
            notification.created_at,
            notification.session_id,
            notification.session_revision,
            notification.trace_parent,
        )

    async def forget_recipient(self, participant_id: UUID) -> int:
        status = await self._connection.execute(
            """
            UPDATE notifications SET context = '{}',
                   last_error = CASE WHEN status = 'pending' THEN 'recipient erased: not sent' END,
                   status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
                   next_attempt_at = NULL, updated_at = now()
            WHERE recipient_id = $1
            """,
            participant_id,
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
            """,
            str(participant_id),
        )
        return int(status.split()[-1])

    async def next_due_institution(self, now: datetime) -> str | None:
        """Whose is the oldest due notification no sender holds (SKIP LOCKED: senders side by side
        are told of the next one, never kept spinning on one that is being sent)."""
        return await self._connection.fetchval(NEXT_DUE_INSTITUTION, now)

    async def cancel_reminders(self, session_id: UUID, before_revision: int | None, why: str) -> int:
        """Pending reminders of a session planned for an earlier revision (None: every one)."""
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


class PostgresNotifyUnitOfWork(UnitOfWork):
    def __init__(self, transaction: Transaction, source: str, cause: Cause) -> None:
        super().__init__(transaction, source, cause)
        self.erasures = PostgresErasures(self.connection)
        self.contacts = PostgresContacts(self.connection)
        self.notifications = PostgresNotifications(self.connection)
        self.preferences = PostgresPreferences(self.connection)
        self.sessions = PostgresSessionRevisions(self.connection)
        self.inbox = PostgresInbox(self.connection)
