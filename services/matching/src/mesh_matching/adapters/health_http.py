"""Program health for coordinators and admins: JSON for machines, CSV for a spreadsheet.

Matching holds this read model because it is where the pairs are: it already follows every join
and every match, and with scheduling's session events it sees each pair meet. No service reads
another's database. A coordinator sees the campuses they coordinate, and the program as a whole
when they coordinate all of its campuses; an admin sees everything."""

import io
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mesh_matching.adapters.access import covers_program, program_tenancy
from mesh_matching.adapters.health_store import ALL_CAMPUSES, program_health
from mesh_matching.adapters.programs_store import PostgresPrograms
from mesh_runtime.dependencies import ComponentsDep, PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal
from mesh_runtime.spreadsheet import writer as csv_writer

router = APIRouter(tags=["program health"])


class Figures(BaseModel):
    campus: str = Field(description=f"A campus, or {ALL_CAMPUSES!r} for all of the program's together.")
    joined: int = 0
    waiting: int = Field(default=0, description="Active with room and no open match: eligible, waiting.")
    proposed: int = Field(default=0, description="Proposals not yet answered.")
    matched: int = Field(default=0, description="Pairs ever formed.")
    active_pairs: int = 0
    dormant_pairs: int = Field(default=0, description="Formed pairs found dormant (MatchStalled) and not active since.")
    ended_by_reason: dict[str, int] = Field(default_factory=dict, description="Formed pairs that ended, by why.")
    sessions_per_week: float = Field(default=0, description="Completed in the last four weeks, a week.")
    sessions_completed: int = 0
    reflected_share: float | None = Field(default=None, description="Of the sessions due, the share completed with "
                                                                    "reflections.")
    average_rating: float | None = Field(default=None, description="Progress rating over every reflection, 1 to 5.")
    hours_to_first_proposal: float | None = Field(default=None, description="On average, from joining.")
    hours_to_first_session: float | None = Field(default=None, description="On average, from joining to its start.")


class Health(BaseModel):
    program_id: str
    as_of: datetime
    dormant_after_days: int = Field(description="The program's rule: a pair with no completed session this long is dormant.")
    dormant_grace_days: int = Field(description="And ends this long after, unless a session is completed.")
    campuses: list[Figures]
    all_campuses: Figures | None = Field(description="None for a coordinator of only some of its campuses.")


@router.get("/programs/{program_id}/health", summary="How a program is doing, per campus and overall",
            responses=error_responses(403, 404))
async def health(program_id: str, components: ComponentsDep, principal: PrincipalDep) -> Health:
    return await _health(components, principal, program_id)


@router.get("/programs/{program_id}/health.csv", summary="The same figures as CSV: one row per campus, then '*'",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}, **error_responses(403, 404)})
async def health_csv(program_id: str, components: ComponentsDep, principal: PrincipalDep) -> Response:
    report = await _health(components, principal, program_id)
    return Response(health_csv_text(program_id, report), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{program_id}-health.csv"'})


def health_csv_text(program_id: str, report: Health) -> str:
    """One row per campus, then '*'. Campus labels and reasons are the institution's own text: written
    through the formula-safe writer, so none of them runs in a coordinator's spreadsheet."""
    rows = [*report.campuses, *([report.all_campuses] if report.all_campuses else [])]
    reasons = sorted({reason for row in rows for reason in row.ended_by_reason})
    columns = [name for name in Figures.model_fields if name != "ended_by_reason"]
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(["program_id", *columns, *(f"ended: {reason}" for reason in reasons)])
    for row in rows:
        values = row.model_dump()
        writer.writerow([program_id, *(("" if values[c] is None else values[c]) for c in columns),
                         *(row.ended_by_reason.get(reason, 0) for reason in reasons)])
    return text.getvalue()


async def _health(components, principal: Principal, program_id: str) -> Health:
    now = components.clock.now()
    async with components.database.transaction(principal.institution) as transaction:
        program = await program_tenancy(transaction.connection, program_id, principal.institution)
        # a program matching knows nothing of in this institution (no definition, nobody joined) does not exist here
        authorize(principal, program if program.campuses else None, f"program {program_id}", owners_may=False)
        found = await program_health(transaction.connection, program_id, now)
        rule = await PostgresPrograms(transaction.connection).dormancy(program_id)
    visible = program.campuses if principal.is_admin else program.campuses & principal.campuses
    figures = {campus: _figures(campus, values) for campus, values in found.items()}
    return Health(program_id=program_id, as_of=now, dormant_after_days=rule.after.days, dormant_grace_days=rule.grace.days,
                  campuses=[figures.get(campus, Figures(campus=campus)) for campus in sorted(visible)],
                  all_campuses=figures.get(ALL_CAMPUSES, Figures(campus=ALL_CAMPUSES))
                  if covers_program(principal, program) else None)


def _figures(campus: str, values: dict) -> Figures:
    hours = {name: None if values.get(f"seconds_to_{name}") is None else round(float(values[f"seconds_to_{name}"]) / 3600, 3)
             for name in ("first_proposal", "first_session")}
    return Figures(campus=campus, **{k: v for k, v in values.items() if not k.startswith("seconds_to_")
                                     and v is not None}, hours_to_first_proposal=hours["first_proposal"],
                   hours_to_first_session=hours["first_session"])
