"""Participants' notification preferences in notify's database."""

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from mesh_notify.domain.preferences import KINDS, Preference, QuietHours


class PostgresPreferences:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self._held: dict[UUID, dict[str, Preference]] | None = None

    async def hold(self, participant_ids: Iterable[UUID]) -> None:
        """For a run of events: everyone's preferences read once (a consumer never changes them)."""
        wanted = list(set(participant_ids))
        rows = await self._connection.fetch(
            "SELECT * FROM notification_preferences WHERE participant_id = ANY($1::uuid[])", wanted
        )
        self._held = {pid: {} for pid in wanted}
        for row in rows:
            self._held[row["participant_id"]][row["kind"]] = _preference(row)

    def release(self) -> None:
        self._held = None

    async def get(self, participant_id: UUID, kind: str) -> Preference:
        if self._held is not None and participant_id in self._held:
            return self._held[participant_id].get(kind) or Preference(kind)
        row = await self._connection.fetchrow(
            "SELECT * FROM notification_preferences WHERE participant_id = $1 AND kind = $2", participant_id, kind
        )
        return _preference(row) if row else Preference(kind)

    async def all_of(self, participant_id: UUID) -> list[Preference]:
        """One per kind, in KINDS order; defaults where none was set."""
        rows = await self._connection.fetch("SELECT * FROM notification_preferences WHERE participant_id = $1", participant_id)
        stored = {row["kind"]: _preference(row) for row in rows}
        return [stored.get(kind, Preference(kind)) for kind in KINDS]

    async def set(self, participant_id: UUID, preference: Preference) -> None:
        quiet = preference.quiet_hours
        await self._connection.execute(
            """
            INSERT INTO notification_preferences (participant_id, kind, enabled, quiet_start, quiet_end)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (participant_id, kind) DO UPDATE SET enabled = excluded.enabled, quiet_start = excluded.quiet_start,
                quiet_end = excluded.quiet_end, updated_at = now()
            """,
            participant_id,
            preference.kind,
            preference.enabled,
            quiet.start if quiet else None,
            quiet.end if quiet else None,
        )

    async def forget(self, participant_id: UUID) -> None:
        await self._connection.execute("DELETE FROM notification_preferences WHERE participant_id = $1", participant_id)


def _preference(row: asyncpg.Record) -> Preference:
    quiet = QuietHours(row["quiet_start"], row["quiet_end"]) if row["quiet_start"] is not None else None
    return Preference(row["kind"], row["enabled"], quiet)
