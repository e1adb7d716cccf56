"""Participants' contact details in notify's database, as profile has them: whom notify may write to."""

from collections.abc import Iterable
from dataclasses import replace
from uuid import UUID

import asyncpg

from mesh_notify.domain.notification import Contact


class PostgresContacts:
    """During a run of events (``hold``), the contacts of everyone the run names are read once and
    kept here; changes are kept too and written together when the run ends (``write_held``), or
    before a statement reads contacts (``write_changes``: a notification takes its recipient's campus)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self._held: dict[UUID, Contact | None] | None = None
        self._changed: dict[UUID, Contact] = {}

    async def hold(self, participant_ids: Iterable[UUID]) -> None:
        wanted = list(set(participant_ids))
        found = await self.many(wanted)
        self._held = {pid: found.get(pid) for pid in wanted}

    async def write_held(self) -> None:
        """The run's changes written; reads go to the database again."""
        await self.write_changes()
        self._held = None

    async def write_changes(self) -> None:
        """The changes held so far, in one statement (before anything that reads contacts in SQL)."""
        changed, self._changed = list(self._changed.values()), {}
        if changed:
            await self._connection.execute(
                f"""
                INSERT INTO contacts (participant_id, display_name, email, time_zone, subject, campus)
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                {_CHANGED}
                """,
                *(list(column) for column in zip(*(_columns(c) for c in changed), strict=True)),
            )

    async def upsert(self, contact: Contact) -> None:
        if self._held is not None and contact.participant_id in self._held:
            before = self._held[contact.participant_id]
            kept = replace(contact, subject=contact.subject or before.subject) if before is not None else contact
            self._held[contact.participant_id] = self._changed[contact.participant_id] = kept
            return
        await self._connection.execute(
            f"""
            INSERT INTO contacts (participant_id, display_name, email, time_zone, subject, campus)
            VALUES ($1, $2, $3, $4, $5, $6)
            {_CHANGED}
            """,
            *_columns(contact),
        )

    async def get(self, participant_id: UUID) -> Contact | None:
        if self._held is not None and participant_id in self._held:
            return self._held[participant_id]
        row = await self._connection.fetchrow("SELECT * FROM contacts WHERE participant_id = $1", participant_id)
        return _contact(row) if row else None

    async def many(self, participant_ids: Iterable[UUID]) -> dict[UUID, Contact]:
        """Those of them notify knows, by id."""
        rows = await self._connection.fetch("SELECT * FROM contacts WHERE participant_id = ANY($1)", list(participant_ids))
        return {row["participant_id"]: _contact(row) for row in rows}

    async def remove(self, participant_id: UUID) -> bool:
        if self._held is not None:
            await self.write_held()  # erasure steps run between runs; never with a change held
        return await self._connection.execute("DELETE FROM contacts WHERE participant_id = $1", participant_id) == "DELETE 1"


_CHANGED = """
    ON CONFLICT (participant_id) DO UPDATE
    SET display_name = excluded.display_name, email = excluded.email, time_zone = excluded.time_zone,
        subject = coalesce(excluded.subject, contacts.subject), campus = excluded.campus"""


def _columns(contact: Contact) -> tuple[UUID, str, str, str, str | None, str | None]:
    return (contact.participant_id, contact.display_name, contact.email, contact.time_zone, contact.subject, contact.campus)


def _contact(row: asyncpg.Record) -> Contact:
    return Contact(row["participant_id"], row["display_name"], row["email"], row["time_zone"], row["subject"], row["campus"])
