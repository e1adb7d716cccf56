"""The institution's erasures, a page at a time, for its admins: newest first by when each was asked for,
then by participant id (keyset: a page starts after the last one of the page before), all of them or
only those complete or pending. Each page walks the index of migration 009 and stops at its last row."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg

from mesh_profile.application.erase_participant import Erasure
from mesh_runtime.index_order import in_index_order

State = Literal["pending", "complete"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a page ended: its last erasure's (requested_at, participant_id)."""

    requested_at: datetime
    participant_id: UUID


@dataclass(frozen=True, slots=True)
class ListedErasure:
    erasure: Erasure
    program_id: str
    campus: str

    @property
    def place(self) -> Place:
        return Place(self.erasure.requested_at, self.erasure.participant_id)


async def erasures_page(
    connection: asyncpg.Connection, institution: str, state: State | None, after: Place | None, limit: int
) -> list[ListedErasure]:
    """Up to ``limit`` erasures of the institution after ``after``, newest first; with the program and
    campus the participant was in (kept after erasure: they identify nobody)."""
    args: list[object] = [institution]
    where = ["e.institution = $1"]
    if state is not None:
        args.append(state == "complete")
        where.append(f"e.complete = ${len(args)}")
    if after is not None:
        args += [after.requested_at, after.participant_id]
        where.append(f"(e.requested_at, e.participant_id) < (${len(args) - 1}, ${len(args)})")
    args.append(limit)
    rows = await in_index_order(
        connection,
        f"""
        SELECT e.participant_id, e.requested_at, e.requested_by, e.requester_digest, e.confirmations,
               p.program_id, p.campus
        FROM erasures e JOIN participants p ON p.participant_id = e.participant_id
        WHERE {" AND ".join(where)}
        ORDER BY e.requested_at DESC, e.participant_id DESC LIMIT ${len(args)}
        """,
        args,
    )
    return [ListedErasure(_erasure(row), row["program_id"], row["campus"]) for row in rows]


def _erasure(row: asyncpg.Record) -> Erasure:
    """As PostgresParticipants.erasure reads one: confirmations are service -> {at, erased}."""
    confirmations = row["confirmations"]
    return Erasure(
        row["participant_id"],
        row["requested_at"],
        row["requested_by"],
        row["requester_digest"],
        {service: datetime.fromisoformat(c["at"]) for service, c in confirmations.items()},
        {service: c["erased"] for service, c in confirmations.items()},
    )
