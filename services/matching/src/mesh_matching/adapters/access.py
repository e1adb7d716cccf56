"""Where matching's resources live and whose they are, for the runtime's access rule.

Read inside the caller's tenant transaction: row-level security already hides other institutions,
so a resource of another institution is simply not found (404)."""

from uuid import UUID

import asyncpg
from fastapi import HTTPException, status

from mesh_matching.application.errors import UnknownProgram
from mesh_runtime.dependencies import authorize
from mesh_runtime.identity import Principal, Tenancy


async def participant_tenancy(connection: asyncpg.Connection, participant_id: UUID) -> Tenancy | None:
    row = await connection.fetchrow(
        "SELECT institution, campus, program_id, subject FROM candidates WHERE participant_id = $1", participant_id
    )
    if row is None:
        return None
    return Tenancy(
        row["institution"],
        frozenset({row["campus"]}),
        row["program_id"],
        frozenset({row["subject"]}) if row["subject"] else frozenset(),
    )


async def match_tenancy(connection: asyncpg.Connection, match_id: UUID) -> Tenancy | None:
    row = await connection.fetchrow(
        """
        SELECT m.institution, m.program_id, a.campus AS campus_a, b.campus AS campus_b, a.subject AS subject_a,
               b.subject AS subject_b
        FROM matches m JOIN candidates a ON a.participant_id = m.participant_a
                       JOIN candidates b ON b.participant_id = m.participant_b
        WHERE m.match_id = $1
        """,
        match_id,
    )
    if row is None:
        return None
    return Tenancy(
        row["institution"],
        frozenset({row["campus_a"], row["campus_b"]}),
        row["program_id"],
        frozenset(s for s in (row["subject_a"], row["subject_b"]) if s),
    )


async def program_tenancy(connection: asyncpg.Connection, program_id: str, institution: str) -> Tenancy:
    """A program spans the campuses it is defined on (profile's program events), or, for one matching
    has not heard of, the campuses its participants are on."""
    defined = await connection.fetchval("SELECT campuses FROM programs WHERE program_id = $1 AND campuses <> '{}'", program_id)
    if defined is not None:
        return Tenancy(institution, frozenset(defined), program_id)
    # A skip scan over the (institution, program_id, campus) index: one probe per campus, however
    # many people the program holds (a policy read must not cost as much as a round).
    campuses = await connection.fetchval(
        """
        WITH RECURSIVE seen(campus) AS (
            (SELECT campus FROM candidates WHERE institution = $2 AND program_id = $1 ORDER BY campus LIMIT 1)
            UNION ALL
            SELECT (SELECT c.campus FROM candidates c WHERE c.institution = $2 AND c.program_id = $1 AND c.campus > seen.campus
                    ORDER BY c.campus LIMIT 1)
            FROM seen WHERE seen.campus IS NOT NULL
        )
        SELECT coalesce(array_agg(campus) FILTER (WHERE campus IS NOT NULL), '{}') FROM seen
        """,
        program_id,
        institution,
    )
    return Tenancy(institution, frozenset(campuses), program_id)


def covers_program(principal: Principal, program: Tenancy) -> bool:
    """Acting on a whole program (its policy, its rounds) takes coordinating every campus it spans."""
    return principal.is_admin or (
        bool(program.campuses)
        and principal.coordinates(program.program_id or "", program.campuses)
        and program.campuses <= principal.campuses
    )


async def require_whole_program(connection: asyncpg.Connection, principal: Principal, program_id: str, action: str) -> None:
    program = await program_tenancy(connection, program_id, principal.institution)
    authorize(principal, program, f"program {program_id}", owners_may=False)
    if not covers_program(principal, program):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"only an admin or a coordinator of every campus of "
            f"{program_id!r} ({', '.join(sorted(program.campuses))}) may {action}",
        )


def sees_full_reasons(principal: Principal, resource: Tenancy | None) -> bool:
    """A match's reasons in full (the other person's own words) are for the program's admins and
    its coordinators; either of the pair, a platform service (notify mails them the reasons) and
    anyone else read them as a participant may (``domain.reasons``). A coordinator who is one of
    the pair reads them as a participant too."""
    if resource is None or principal.is_service or principal.subject in resource.owners:
        return False
    return principal.is_admin or principal.coordinates(resource.program_id or "", resource.campuses)


async def require_acting_as_themself(connection: asyncpg.Connection, principal: Principal, participant_id: UUID) -> None:
    """A participant answers only for themself; an admin may answer for anyone of the institution."""
    if principal.is_admin:
        return
    subject = await connection.fetchval("SELECT subject FROM candidates WHERE participant_id = $1", participant_id)
    if subject != principal.subject:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"you may answer only as yourself, not as {participant_id}")


def coordinates_pair(principal: Principal, pair: Tenancy | None) -> bool:
    """Acting on a pair for its members (ending it) takes coordinating every campus the pair is on."""
    return (
        pair is not None
        and bool(pair.campuses)
        and principal.coordinates(pair.program_id or "", pair.campuses)
        and pair.campuses <= principal.campuses
    )


async def require_member(connection: asyncpg.Connection, match_id: UUID, participant_id: UUID) -> None:
    """Staff act for one of the pair: ``participant_id`` must be one of its two."""
    found = await connection.fetchval(
        "SELECT true FROM matches WHERE match_id = $1 AND $2 IN (participant_a, participant_b)", match_id, participant_id
    )
    if not found:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"{participant_id} is not one of the pair {match_id}")


async def require_coordinating_both(
    connection: asyncpg.Connection, principal: Principal, program_id: str, participant_ids: tuple[UUID, UUID]
) -> Tenancy:
    """Pairing two people by hand: an admin, or a coordinator of the program on the campus of each of
    the two; never one of them."""
    program = await program_tenancy(connection, program_id, principal.institution)
    if not program.campuses:  # matching has heard of neither the program nor anyone in it
        raise UnknownProgram(f"no program {program_id}")
    authorize(principal, program, f"program {program_id}", owners_may=False)
    for participant_id in dict.fromkeys(participant_ids):
        person = await participant_tenancy(connection, participant_id)
        authorize(principal, person, f"participant {participant_id}", owners_may=False)
        assert person is not None
        if principal.subject in person.owners:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="you may not propose yourself as one of a pair")
        if not principal.is_admin and not principal.coordinates(program_id, person.campuses):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"only an admin or a coordinator of program "
                f"{program_id!r} on campus {', '.join(sorted(person.campuses))} may pair "
                f"participant {participant_id}",
            )
    return program


def require_every_campus(principal: Principal, pair: Tenancy, action: str) -> None:
    """A pair on two campuses is both campuses' coordinators' to act on; one of the pair never acts as staff on it."""
    if principal.subject in pair.owners:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"one of the pair may not {action}")
    if principal.is_admin:
        return
    if not all(principal.coordinates(pair.program_id or "", {campus}) for campus in pair.campuses):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"only an admin or a coordinator of every campus of the "
            f"pair ({', '.join(sorted(pair.campuses))}) may {action}",
        )


def staff_role(principal: Principal) -> str:
    """Who acts on a pair as staff, as events and the audit name them: admin or coordinator."""
    return "admin" if principal.is_admin else "coordinator"
