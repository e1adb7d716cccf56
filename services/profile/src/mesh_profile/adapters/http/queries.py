"""What profile's routes read beyond the use cases' ports: a page of the institution's programs,
participants in bulk, and the admins' list of erasures.

The admins' list of erasures, a page at a time: newest first by when each was asked for,
then by participant id (keyset: a page starts after the last one of the page before), all of them or
only those complete or pending. Each page walks the index of migration 009 and stops at its last row."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg

from mesh_profile.adapters.postgres.participants import as_erasure, as_participant
from mesh_profile.adapters.postgres.programs import as_program
from mesh_profile.domain.erasure import Erasure
from mesh_profile.domain.participant import Participant
from mesh_profile.domain.program import Program, ProgramStatus
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
    return [ListedErasure(as_erasure(row), row["program_id"], row["campus"]) for row in rows]


async def programs_listing(
    connection: asyncpg.Connection, status: ProgramStatus | None, campuses: Iterable[str] | None
) -> list[Program]:
    """The institution's programs (row-level security keeps to it), by id; ``campuses``: only those
    running on one of them."""
    rows = await connection.fetch(
        """
        SELECT * FROM programs
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text[] IS NULL OR definition->'campuses' ?| $2::text[])
        ORDER BY program_id
        """,
        status.value if status else None,
        None if campuses is None else list(campuses),
    )
    return [as_program(row) for row in rows]


async def participants_by_id(connection: asyncpg.Connection, participant_ids: list[UUID]) -> list[Participant]:
    """Those of ``participant_ids`` the caller's transaction may see; unknown ids are left out."""
    rows = await connection.fetch("SELECT * FROM participants WHERE participant_id = ANY($1::uuid[])", participant_ids)
    return [as_participant(row) for row in rows]
