"""The institution's programs' health rolled up, for its admins: each program, each campus across
programs, and the institution as a whole, as JSON and as CSV.

Read from the counts kept per program and campus (``http.queries_health``), never from the people: its cost
grows with the programs and campuses, not with the participants. The figures of several programs
are those of their summed measures, so the institution's equal its programs' together exactly.

Admins of the institution only. A coordinator is refused (403, ``admins-only``): their programs'
health, campus by campus, is at ``GET /programs/{id}/health``; a roll-up of only their campuses
would show program totals that are not the programs'."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.http.health_figures import Figures, figures_csv, figures_of, summed
from mesh_matching.adapters.http.queries_health import ALL_CAMPUSES, Measures, health_counts, institution_programs
from mesh_matching.application.errors import AdminsOnly, UnknownCampus, UnknownProgram
from mesh_runtime.dependencies import PrincipalDep, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(tags=["program health"])
Program = Annotated[str | None, Query(min_length=1, max_length=200, description="Only this program.")]
Campus = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        description="Only this campus: every figure is that campus's (a program's, the institution's).",
    ),
]


class ProgramHealth(BaseModel):
    program_id: str
    name: str | None = Field(default=None, description="As its definition names it (None until matching hears of it).")
    figures: Figures


class CampusHealth(BaseModel):
    campus: str
    figures: Figures = Field(
        description="Its programs' figures on this campus, together (a pair across two campuses counts on both)."
    )


class InstitutionHealth(BaseModel):
    as_of: datetime
    program: str | None = Field(description="The program asked for, if any.")
    campus: str | None = Field(description="The campus asked for, if any.")
    programs: list[ProgramHealth] = Field(
        description="By program id. Each program's figures: its campuses together "
        "(each person and pair once), or the campus asked for."
    )
    campuses: list[CampusHealth] = Field(description="By campus.")
    institution: Figures = Field(description="The programs shown, together: the sum of their figures' measures.")


@router.get(
    "/institution/health",
    summary="Every program's health, per program, per campus and for the institution (admins)",
    responses=error_responses(403, 404),
)
async def institution_health(
    uow: Uow, principal: PrincipalDep, program: Program = None, campus: Campus = None
) -> InstitutionHealth:
    return await _rolled_up(uow, principal, program, campus)


@router.get(
    "/institution/health.csv",
    summary="The same as CSV: one row per program, then per campus, then the institution",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **error_responses(403, 404)},
)
async def institution_health_csv(uow: Uow, principal: PrincipalDep, program: Program = None, campus: Campus = None) -> Response:
    report = await _rolled_up(uow, principal, program, campus)
    return Response(
        institution_csv_text(report), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="health.csv"'}
    )


def institution_csv_text(report: InstitutionHealth) -> str:
    """``scope`` says what a row is: program (with its id), campus, or institution."""
    return figures_csv(
        ["scope", "program_id", "name"],
        [
            *((["program", row.program_id, row.name or ""], row.figures) for row in report.programs),
            *((["campus", "", ""], row.figures) for row in report.campuses),
            (["institution", "", ""], report.institution),
        ],
    )


async def _rolled_up(uow: Uow, principal: Principal, program: str | None, campus: str | None) -> InstitutionHealth:
    if not principal.is_admin:
        raise AdminsOnly(
            "only an admin of the institution reads its health as a whole; "
            "coordinators read each program's at /programs/{program_id}/health"
        )
    now = uow.clock.now()
    known = await institution_programs(uow.connection, principal.institution)
    if program is not None and program not in known:
        raise UnknownProgram(f"no program {program!r}")
    shown = [program] if program is not None else list(known)
    counts = await health_counts(uow.connection, principal.institution, shown, now)
    by_campus: dict[str, list[Measures]] = {}
    for (_, counted_campus), measures in counts.items():
        if counted_campus != ALL_CAMPUSES and campus in (None, counted_campus):
            by_campus.setdefault(counted_campus, []).append(measures)
    if campus is not None and campus not in by_campus:
        raise UnknownCampus(f"no campus {campus!r} in the programs shown")
    scope = campus or ALL_CAMPUSES
    programs = [program_id for program_id in shown if campus is None or (program_id, campus) in counts]
    program_measures = {program_id: counts.get((program_id, scope), {}) for program_id in programs}
    return InstitutionHealth(
        as_of=now,
        program=program,
        campus=campus,
        programs=[
            ProgramHealth(program_id=program_id, name=known[program_id], figures=figures_of(scope, measures))
            for program_id, measures in program_measures.items()
        ],
        campuses=[
            CampusHealth(campus=name, figures=figures_of(name, summed(parts))) for name, parts in sorted(by_campus.items())
        ],
        institution=figures_of(scope, summed(program_measures.values())),
    )
