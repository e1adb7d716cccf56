"""Whose notifications are whose, for the runtime's access rule: a recipient's own, and their
institution's admins (mail is personal: coordinators do not read it). Read inside the caller's
tenant transaction: row-level security already hides other institutions."""

from uuid import UUID

import asyncpg

from mesh_runtime.identity import Tenancy

_RECIPIENT = """
    SELECT n.institution, c.campus, c.subject FROM notifications n
    LEFT JOIN contacts c ON c.participant_id = n.recipient_id
"""


def _tenancy(row: asyncpg.Record | None) -> Tenancy | None:
    if row is None:
        return None
    return Tenancy(
        row["institution"],
        frozenset({row["campus"]} if row["campus"] else ()),
        None,
        frozenset({row["subject"]} if row["subject"] else ()),
    )


async def recipient_tenancy(connection: asyncpg.Connection, recipient_id: UUID) -> Tenancy | None:
    contact = await connection.fetchrow(
        "SELECT institution, campus, subject FROM contacts WHERE participant_id = $1", recipient_id
    )
    return _tenancy(contact or await connection.fetchrow(_RECIPIENT + " WHERE n.recipient_id = $1 LIMIT 1", recipient_id))


async def notification_tenancy(connection: asyncpg.Connection, notification_id: UUID) -> Tenancy | None:
    return _tenancy(await connection.fetchrow(_RECIPIENT + " WHERE n.notification_id = $1", notification_id))
