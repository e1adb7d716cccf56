"""Program health for coordinators and admins: JSON for machines, CSV for a spreadsheet.

Matching holds this read model because it is where the pairs are: it already follows every join
and every match, and with scheduling's session events it sees each pair meet. No service reads
another's database. A coordinator sees the campuses they coordinate, and the program as a whole
when they coordinate all of its campuses; an admin sees everything. Every figure is read from the
counts matching keeps as rows change (``http.queries_health``): no read scans the program's people."""

import io
from datetime import UTC, date, datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mesh_matching.adapters.access import covers_program, program_tenancy
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.http.health_figures import Figures, Week, figures_csv, figures_of, weeks_of
from mesh_matching.adapters.http.queries_health import ALL_CAMPUSES, health_counts, program_terms, weekly_counts
from mesh_matching.domain.health_weeks import RECENT_WEEKS, weeks_shown
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal
from mesh_runtime.spreadsheet import writer as csv_writer

router: APIRouter = APIRouter(tags=["program health"])
CSV = {200: {"content": {"text/csv": {}}}, **error_responses(403, 404)}
__all__ = ["Figures", "Health", "health_csv_text", "router", "weeks_csv_text"]


class WeeksOf(BaseModel):
    """Which weeks ``weeks`` holds: the current term's, or the last weeks when no term covers today."""

    first_week: date = Field(description="The first week's Monday.")
    last_week: date = Field(description="This week's Monday: no week to come is shown.")
    term_id: str | None = Field(default=None, description=f"The term covering today; None: the last {RECENT_WEEKS} weeks.")
    term_name: str | None = None
    term_starts_on: date | None = None
    term_ends_on: date | None = None


class Health(BaseModel):
    program_id: str
    as_of: datetime
    dormant_after_days: int = Field(description="The program's rule: a pair with no completed session this long is dormant.")
    dormant_grace_days: int = Field(description="And ends this long after, unless a session is completed.")
    weeks_of: WeeksOf | None = Field(default=None, description="The weeks each figures' ``weeks`` covers.")
    campuses: list[Figures]
    all_campuses: Figures | None = Field(description="None for a coordinator of only some of its campuses.")


@router.get(
    "/programs/{program_id}/health",
    summary="How a program is doing, per campus and overall, week by week",
    responses=error_responses(403, 404),
)
async def health(program_id: str, uow: Uow, principal: PrincipalDep) -> Health:
    return await _health(uow, principal, program_id)


@router.get(
    "/programs/{program_id}/health.csv",
    summary="The same figures as CSV: one row per campus, then '*'",
    response_class=Response,
    responses=CSV,
)
async def health_csv(program_id: str, uow: Uow, principal: PrincipalDep) -> Response:
    report = await _health(uow, principal, program_id)
    return _csv(health_csv_text(program_id, report), f"{program_id}-health.csv")


@router.get(
    "/programs/{program_id}/health/weeks.csv",
    summary="Sessions completed and pairs that met, week by week: per campus, then '*'",
    response_class=Response,
    responses=CSV,
)
async def weeks_csv(program_id: str, uow: Uow, principal: PrincipalDep) -> Response:
    report = await _health(uow, principal, program_id)
    return _csv(weeks_csv_text(program_id, report), f"{program_id}-health-weeks.csv")


def health_csv_text(program_id: str, report: Health) -> str:
    """One row per campus, then '*', each with its funnel and one column per way pairs ended."""
    rows = [*report.campuses, *([report.all_campuses] if report.all_campuses else [])]
    return figures_csv(["program_id"], [([program_id], row) for row in rows])


def weeks_csv_text(program_id: str, report: Health) -> str:
    """One row per campus and week, then '*' and week; campus labels written formula-safe."""
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(["program_id", "campus", *Week.model_fields])
    for row in [*report.campuses, *([report.all_campuses] if report.all_campuses else [])]:
        for week in row.weeks or []:
            writer.writerow([program_id, row.campus, week.week_starting.isoformat(), week.sessions_completed, week.pairs_met])
    return text.getvalue()


def _csv(text: str, filename: str) -> Response:
    return Response(text, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def _health(uow: Uow, principal: Principal, program_id: str) -> Health:
    now, connection = uow.clock.now(), uow.connection
    program = await program_tenancy(connection, program_id, principal.institution)
    # a program matching knows nothing of in this institution (no definition, nobody joined) does not exist here
    authorize(principal, program if program.campuses else None, f"program {program_id}", owners_may=False)
    counts = await health_counts(connection, principal.institution, [program_id], now)
    shown = weeks_shown(await program_terms(connection, program_id), now.astimezone(UTC).date())
    weekly = await weekly_counts(connection, principal.institution, program_id, shown.first_week, shown.last_week)
    rule = await uow.programs.dormancy(program_id)
    visible = program.campuses if principal.is_admin else program.campuses & principal.campuses
    mondays = shown.mondays()

    def figures(campus: str) -> Figures:
        return figures_of(campus, counts.get((program_id, campus), {}), weeks_of(mondays, weekly.get(campus, {})))

    term = shown.term
    return Health(
        program_id=program_id,
        as_of=now,
        dormant_after_days=rule.after.days,
        dormant_grace_days=rule.grace.days,
        weeks_of=WeeksOf(
            first_week=shown.first_week,
            last_week=shown.last_week,
            term_id=term.term_id if term else None,
            term_name=term.name if term else None,
            term_starts_on=term.starts_on if term else None,
            term_ends_on=term.ends_on if term else None,
        ),
        campuses=[figures(campus) for campus in sorted(visible)],
        all_campuses=figures(ALL_CAMPUSES) if covers_program(principal, program) else None,
    )
