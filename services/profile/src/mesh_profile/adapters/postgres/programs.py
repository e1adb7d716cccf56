"""Programs, and their seats per limited role, in the profile service's own database."""

from collections.abc import Sequence

import asyncpg

from mentoring_contracts import ProgramDefinition
from mentoring_contracts.events.participants import Role
from mesh_profile.domain.program import Program, ProgramIdTaken, ProgramStatus


class PostgresPrograms:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, program: Program) -> None:
        try:
            await self._connection.execute(
                """
                INSERT INTO programs (program_id, institution, definition, coordinators, status, created_at,
                                      updated_at, claimed_at, version)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8)
                """,
                program.program_id,
                program.institution,
                program.definition.model_dump(mode="json"),
                list(program.coordinators),
                program.status.value,
                program.created_at,
                program.updated_at,
                program.version,
            )
        except asyncpg.UniqueViolationError as error:
            # Ids are unique across the platform; another institution's program stays invisible, but taken.
            raise ProgramIdTaken(f"program id {program.program_id!r} is taken; choose another") from error

    async def get(self, program_id: str, *, for_update: bool = False) -> Program | None:
        row = await self._connection.fetchrow(
            "SELECT * FROM programs WHERE program_id = $1" + (" FOR UPDATE" if for_update else ""), program_id
        )
        return as_program(row) if row else None

    async def get_many(self, program_ids: Sequence[str]) -> list[Program]:
        rows = await self._connection.fetch("SELECT * FROM programs WHERE program_id = ANY($1::text[])", list(program_ids))
        return [as_program(row) for row in rows]

    async def get_for_share(self, program_id: str) -> Program | None:
        """Read for a join: a close or change waits until the join commits (and a join waits for them)."""
        row = await self._connection.fetchrow("SELECT * FROM programs WHERE program_id = $1 FOR SHARE", program_id)
        return as_program(row) if row else None

    async def save(self, program: Program) -> None:
        await self._connection.execute(
            """
            UPDATE programs SET definition = $2, coordinators = $3, status = $4, updated_at = $5, closed_at = $6,
                                closed_reason = $7, version = $8
            WHERE program_id = $1
            """,
            program.program_id,
            program.definition.model_dump(mode="json"),
            list(program.coordinators),
            program.status.value,
            program.updated_at,
            program.closed_at,
            program.closed_reason,
            program.version,
        )


class PostgresSeats:
    """How many active participants take each limited role of a program."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def limited(self, program_id: str) -> dict[str, tuple[int, int]]:
        """Each limited role: (most, taken), locked until commit."""
        rows = await self._connection.fetch(
            "SELECT role, most, taken FROM program_seats WHERE program_id = $1 ORDER BY role FOR UPDATE", program_id
        )
        return {row["role"]: (row["most"], row["taken"]) for row in rows}

    async def take(self, program_id: str, roles: Sequence[Role], seats: int = 1) -> list[str]:
        """Takes ``seats`` of every limited role among ``roles`` if all have room; returns the limited
        roles that are full (then nothing is taken). One guarded update per row: concurrent joins
        queue on the row and each sees the count the one before left."""
        taken = await self._connection.fetch(
            "UPDATE program_seats SET taken = taken + $3 WHERE program_id = $1 AND role = ANY($2::text[]) "
            "AND taken + $3 <= most RETURNING role",
            program_id,
            list(roles),
            seats,
        )
        limited = await self._connection.fetch(
            "SELECT role FROM program_seats WHERE program_id = $1 AND role = ANY($2::text[])", program_id, list(roles)
        )
        full = sorted({row["role"] for row in limited} - {row["role"] for row in taken})
        if full and taken:
            await self._connection.execute(
                "UPDATE program_seats SET taken = taken - $3 WHERE program_id = $1 AND role = ANY($2::text[])",
                program_id,
                [row["role"] for row in taken],
                seats,
            )
        return full

    async def give_back(self, program_id: str, roles: Sequence[Role]) -> None:
        await self._connection.execute(
            "UPDATE program_seats SET taken = greatest(taken - 1, 0) WHERE program_id = $1 AND role = ANY($2::text[])",
            program_id,
            list(roles),
        )

    async def change(self, program_id: str, taken: dict[str, int]) -> None:
        changed = {role: delta for role, delta in taken.items() if delta}
        if changed:
            await self._connection.execute(
                """
                UPDATE program_seats s SET taken = s.taken + c.delta
                FROM unnest($2::text[], $3::int[]) AS c(role, delta) WHERE s.program_id = $1 AND s.role = c.role
                """,
                program_id,
                list(changed),
                list(changed.values()),
            )

    async def set_limits(self, program_id: str, definition: ProgramDefinition) -> None:
        """The program's limits as now defined; a role newly limited counts its active participants once."""
        limits = {limit.role: limit.most for limit in definition.capacity}
        await self._connection.execute(
            "DELETE FROM program_seats WHERE program_id = $1 AND NOT (role = ANY($2::text[]))", program_id, list(limits)
        )
        for role, most in limits.items():
            await self._connection.execute(
                """
                INSERT INTO program_seats (program_id, role, most, taken)
                SELECT $1, $2, $3, count(*) FROM participants
                WHERE program_id = $1 AND status = 'active' AND profile->'topics' @> jsonb_build_array(jsonb_build_object('role', $2::text))
                ON CONFLICT (program_id, role) DO UPDATE SET most = excluded.most
                """,
                program_id,
                role,
                most,
            )


def as_program(row: asyncpg.Record) -> Program:
    return Program(
        row["program_id"],
        row["institution"],
        ProgramDefinition.model_validate(row["definition"]),
        tuple(row["coordinators"]),
        row["created_at"],
        row["updated_at"],
        ProgramStatus(row["status"]),
        row["closed_at"],
        row["closed_reason"],
        row["version"],
    )
