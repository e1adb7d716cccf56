"""Participants' contact details in notify's database, as profile has them: whom notify may write to."""

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from mesh_notify.domain.notification import Contact


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
