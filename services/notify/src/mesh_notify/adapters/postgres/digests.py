"""Coordinators' digest subscriptions, and the counts a digest reads from notify's own records."""

from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from mesh_notify.domain.digest import DigestSubscription


class PostgresDigests:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def subscribe(self, subscription: DigestSubscription) -> None:
        await self._connection.execute(
            """
            INSERT INTO coordinator_digests (subject, email, time_zone, hour, campuses, programs, expires_on)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (institution, subject) DO UPDATE SET email = excluded.email, time_zone = excluded.time_zone,
                hour = excluded.hour, campuses = excluded.campuses, programs = excluded.programs,
                expires_on = excluded.expires_on, updated_at = now()
            """,
            subscription.subject,
            subscription.email,
            subscription.time_zone,
            subscription.hour,
            sorted(subscription.campuses),
            sorted(subscription.programs),
            subscription.expires_on,
        )

    async def drop(self, subject: str) -> bool:
        return await self.unsubscribe(subject)

    async def unsubscribe(self, subject: str) -> bool:
        return await self._connection.execute("DELETE FROM coordinator_digests WHERE subject = $1", subject) == "DELETE 1"

    async def get(self, subject: str) -> DigestSubscription | None:
        row = await self._connection.fetchrow("SELECT * FROM coordinator_digests WHERE subject = $1", subject)
        return _subscription(row) if row else None

    async def all_locked(self) -> Sequence[DigestSubscription]:
        """Every subscription of the transaction's institution; another replica's are skipped."""
        rows = await self._connection.fetch("SELECT * FROM coordinator_digests ORDER BY subject FOR UPDATE SKIP LOCKED")
        return [_subscription(row) for row in rows]

    async def counts(self, subscription: DigestSubscription, since: datetime, until: datetime) -> tuple[dict[str, int], int]:
        """Events told on the subscription's campuses (and programs) in the window, by template (each
        event once), and how many of those mails were given up."""
        rows = await self._connection.fetch(
            """
            SELECT template, count(DISTINCT caused_by_event_id) AS events,
                   count(*) FILTER (WHERE status = 'failed') AS failed
            FROM notifications
            WHERE campus = ANY($1) AND created_at >= $2 AND created_at < $3
              AND (cardinality($4::text[]) = 0 OR context->>'program_id' = ANY($4))
            GROUP BY template
            """,
            sorted(subscription.campuses),
            since,
            until,
            sorted(subscription.programs),
        )
        return {row["template"]: row["events"] for row in rows}, sum(row["failed"] for row in rows)

    async def institutions(self) -> list[asyncpg.Record]:
        """Each institution with a subscription, as a row with its ``institution`` (read across all)."""
        return await self._connection.fetch("SELECT DISTINCT institution FROM coordinator_digests")

    async def mark_sent(self, subject: str, day: date) -> None:
        await self._connection.execute("UPDATE coordinator_digests SET last_sent_on = $2 WHERE subject = $1", subject, day)


def _subscription(row: asyncpg.Record) -> DigestSubscription:
    return DigestSubscription(
        row["subject"],
        row["email"],
        row["time_zone"],
        row["hour"],
        frozenset(row["campuses"]),
        frozenset(row["programs"]),
        row["expires_on"],
        row["last_sent_on"],
    )
