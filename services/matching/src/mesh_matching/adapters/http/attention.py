"""What needs a coordinator's attention in a program: pairs gone dormant, people waiting longest,
people who declined often, each in order of urgency, limited, with each list's total.

The same access as the program's health: a coordinator sees the campuses they coordinate of the
program, an admin all of it; a participant is refused (403), another institution finds nothing (404).
The lists name people, so a staff read is audited (``personal_data.read``) as siblings do."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mesh_matching.adapters.access import program_tenancy
from mesh_matching.adapters.http import queries_attention as lists
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.http.queries_health import ALL_CAMPUSES, counted_campuses, health_counts
from mesh_matching.application.errors import UnknownCampus
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses

router: APIRouter = APIRouter(tags=["program health"])


class Member(BaseModel):
    participant_id: UUID
    display_name: str | None = Field(description="The name they are shown by ('Erased participant' once erased).")
    role: str = Field(description="Their role in the pair: mentor, mentee or peer.")
    campus: str | None


class DormantPair(BaseModel):
    match_id: UUID
    campuses: list[str] = Field(description="The pair's campuses (one, or two for a pair across campuses).")
    members: list[Member]
    formed_at: datetime | None = Field(description="When both had accepted.")
    last_session_at: datetime | None = Field(description="Their last completed session; None: they never met.")
    dormant_since: datetime = Field(description="When it was found dormant (MatchStalled).")
    ends_on: datetime = Field(description="When it ends (MatchEnded, cause dormant) unless a session is completed first.")


class WaitingPerson(BaseModel):
    participant_id: UUID
    display_name: str | None
    campus: str
    roles: list[str] = Field(description="The roles they offer (mentor, mentee, peer).")
    waiting_since: datetime | None = Field(
        description="The later of joining and the close of their last proposal or "
        "pair (None: unknown, joined before this was kept)."
    )
    declines: int = Field(description="Proposals they declined while in the program.")


class DecliningPerson(BaseModel):
    participant_id: UUID
    display_name: str | None
    campus: str
    declines: int = Field(description=f"Proposals they declined while in the program ({lists.DECLINED_OFTEN} or more).")
    last_declined_at: datetime | None
    declined_by_partners: int = Field(
        description="Their proposals the other person declined (not counting those closed because the other left or was erased)."
    )


class Attention(BaseModel):
    program_id: str
    as_of: datetime
    campuses: list[str] = Field(description="The campuses the lists cover.")
    dormant_pairs: list[DormantPair] = Field(description="Soonest to end first.")
    waiting_longest: list[WaitingPerson] = Field(description="Longest waiting first.")
    declined_often: list[DecliningPerson] = Field(description="Most declines first, then the latest to decline.")
    dormant_pairs_total: int = Field(description="How many the whole list holds (each list is cut at ``limit``).")
    waiting_longest_total: int = Field(description="Everyone waiting on the campuses shown.")
    declined_often_total: int


@router.get(
    "/programs/{program_id}/attention",
    summary="What needs attention: dormant pairs, people waiting longest, people who declined often",
    responses=error_responses(403, 404),
)
async def attention(
    program_id: str,
    uow: Uow,
    principal: PrincipalDep,
    campus: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Only this campus (one the caller sees).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many in each list.")] = 20,
) -> Attention:
    now = uow.clock.now()
    institution = principal.institution
    connection = uow.connection
    program = await program_tenancy(connection, program_id, institution)
    authorize(principal, program if program.campuses else None, f"program {program_id}", owners_may=False)
    visible = (
        program.campuses | await counted_campuses(connection, institution, program_id)
        if principal.is_admin
        else program.campuses & principal.campuses
    )
    if campus is not None and campus not in visible:
        raise UnknownCampus(f"no campus {campus!r} of program {program_id} that you may see")
    shown = sorted({campus} if campus else visible)
    whole = principal.is_admin and campus is None  # the program's '*' counts are exactly what is shown
    dormant = await lists.dormant_pairs(connection, institution, program_id, None if whole else shown, limit)
    waiting = await lists.waiting_longest(connection, institution, program_id, shown, limit)
    declining = await lists.declined_often(connection, institution, program_id, shown, limit)
    counts = await health_counts(connection, institution, [program_id], now)
    totals = {
        "dormant_pairs_total": await _dormant_total(connection, institution, program_id, shown, whole, counts),
        "waiting_longest_total": _total(counts, program_id, shown, whole, "waiting"),
        "declined_often_total": _total(counts, program_id, shown, whole, "declined_often"),
    }
    named = [
        *(p for pair in dormant for p in (pair["participant_a"], pair["participant_b"])),
        *(row["participant_id"] for row in (*waiting, *declining)),
    ]
    people = await lists.people(connection, named)
    await audit.record_reads(uow.transaction, principal, uow.cause, "participants", {institution: [str(p) for p in named]})

    def name(participant_id: UUID) -> str | None:
        return people[participant_id]["display_name"] if participant_id in people else None

    return Attention(
        program_id=program_id,
        as_of=now,
        campuses=shown,
        dormant_pairs=[
            DormantPair(
                match_id=pair["match_id"],
                campuses=sorted(set(pair["campuses"])),
                members=[
                    Member(participant_id=p, display_name=name(p), role=role, campus=people[p]["campus"] if p in people else None)
                    for p, role in ((pair["participant_a"], pair["role_a"]), (pair["participant_b"], pair["role_b"]))
                ],
                formed_at=pair["formed_at"],
                last_session_at=pair["last_session_at"],
                dormant_since=pair["stalled_at"],
                ends_on=pair["stall_ends_at"],
            )
            for pair in dormant
        ],
        waiting_longest=[
            WaitingPerson(
                participant_id=row["participant_id"],
                display_name=name(row["participant_id"]),
                campus=row["campus"],
                roles=list(people[row["participant_id"]]["roles"]),
                waiting_since=row["waiting_since"],
                declines=row["declines"],
            )
            for row in waiting
        ],
        declined_often=[
            DecliningPerson(
                participant_id=row["participant_id"],
                display_name=name(row["participant_id"]),
                campus=row["campus"],
                declines=row["declines"],
                last_declined_at=row["last_declined_at"],
                declined_by_partners=row["declined_by_partners"],
            )
            for row in declining
        ],
        **totals,
    )


def _total(counts, program_id: str, shown: list[str], whole: bool, measure: str) -> int:
    """People are on one campus each: the campuses' counts add up to exactly those shown."""
    campuses = [ALL_CAMPUSES] if whole else shown
    return sum(int(counts.get((program_id, campus), {}).get(measure, 0)) for campus in campuses)


async def _dormant_total(connection, institution: str, program_id: str, shown: list[str], whole: bool, counts) -> int:
    """A pair across two campuses counts on both: one campus's count, or the program's, or a count of the pairs."""
    if whole or len(shown) == 1:
        return _total(counts, program_id, shown, whole, "dormant_pairs")
    return await lists.count_dormant_pairs(connection, institution, program_id, shown)
