"""Roster import over HTTP: the bulk endpoint ``mesh-roster import`` sends a file through, a batch at a time.

An admin of the institution, or a coordinator of the program, who places people only on the campuses
they coordinate. Each row gets its outcome; a batch sent again changes nothing it already did."""

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.application.import_roster import RosterRow, import_roster
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(prefix="/programs", tags=["roster"])
MAX_ROWS = 1000
FieldName = Annotated[str, StringConstraints(max_length=64)]  # a profile's fields have short names


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line: StrictInt = Field(ge=1, description="Where the row is in the file, for the error report.")
    external_id: str = Field(
        min_length=1,
        max_length=120,
        pattern=r"^\S(.*\S)?$",
        description="The institution's id for the person (student or staff number).",
    )
    profile: dict[FieldName, Any] = Field(
        max_length=64,
        description="The participant's profile; program_id and "
        "program_setting default to the program's. Checked per row: a bad row is "
        "rejected alone.",
    )


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[Row] = Field(min_length=1, max_length=MAX_ROWS, description=f"At most {MAX_ROWS:,} rows.")


class RowOutcome(BaseModel):
    line: int
    external_id: str
    outcome: Literal["new", "updated", "unchanged", "rejected"]
    participant_id: UUID | None
    reasons: list[str] = Field(description="Why it was rejected; empty otherwise.")


class BatchOutcome(BaseModel):
    new: int
    updated: int
    unchanged: int
    rejected: int
    rows: list[RowOutcome]


@router.post(
    "/{program_id}/roster",
    summary="Import a batch of a program's roster (admins, its coordinators)",
    description="Upserts each row by its external id: new ones join (ParticipantJoined), changed ones are "
    "updated (ParticipantProfileUpdated), the same row again changes nothing; every rejected row "
    "says why. Idempotent: a batch sent twice has the effect of once.",
    responses=error_responses(403, 404, 409),
)
async def import_batch(program_id: str, batch: Batch, uow: Uow, principal: PrincipalDep) -> BatchOutcome:
    program = await uow.programs.get(program_id)
    if program is None or not (principal.is_admin or principal.campuses & set(program.definition.campuses)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no program {program_id!r}")
    _require_importer(principal, program_id, program.definition.campuses)
    results = await import_roster(
        uow,
        program_id,
        [RosterRow(r.line, r.external_id, r.profile) for r in batch.rows],
        institution=principal.institution,
        may_place=lambda campus: principal.is_admin or campus in principal.campuses,
    )
    counts = {kind: sum(result.outcome == kind for result in results) for kind in ("new", "updated", "unchanged", "rejected")}
    await audit.record(
        uow.transaction,
        principal,
        uow.cause,
        "roster.import",
        f"program/{program_id}",
        lines=[batch.rows[0].line, batch.rows[-1].line],
        **counts,
        participants=[
            {"participant_id": str(r.participant_id), "outcome": r.outcome, "fields": r.changed}
            for r in results
            if r.outcome in ("new", "updated")
        ],
    )
    return BatchOutcome(
        **counts,
        rows=[
            RowOutcome(
                line=r.line, external_id=r.external_id, outcome=r.outcome, participant_id=r.participant_id, reasons=r.reasons
            )
            for r in results
        ],
    )


def _require_importer(principal: Principal, program_id: str, campuses: list[str]) -> None:
    if principal.is_admin or principal.coordinates(program_id, set(campuses)):
        return
    raise HTTPException(
        status.HTTP_403_FORBIDDEN, detail=f"only an admin or a coordinator of {program_id!r} may import its roster"
    )
