"""Many matches at once, for the platform's services: notify reads the reasons, the closing reason and
the coordinator's note of a batch of 200 match events in one call instead of one ``GET /matches/{id}``
each. Each match is shown exactly as ``GET /matches/{id}`` shows it to a service, and the read is in
the audit trail of each institution read, naming which."""

from uuid import UUID

import asyncpg
from fastapi import APIRouter
from pydantic import BaseModel, Field

from mesh_matching.adapters.access import sees_full_reasons
from mesh_matching.adapters.http import queries
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.http.matches import MatchView
from mesh_runtime import audit
from mesh_runtime.dependencies import OPEN_TO_SERVICES, PrincipalDep, error_responses, require_role
from mesh_runtime.identity import Role, Tenancy

router: APIRouter = APIRouter(tags=["matches"])
MAX_LOOKUP = 1000


class MatchLookup(BaseModel):
    match_ids: list[UUID] = Field(min_length=1, max_length=MAX_LOOKUP, description="Which matches to read, at most 1,000.")


class MatchLookupResult(BaseModel):
    matches: list[MatchView]
    unknown: list[UUID] = Field(description="Ids no match has (or none matching still holds).")


@router.post(
    "/matches/lookup",
    summary="Many matches at once (the platform's services)",
    description="What `GET /matches/{id}` shows a service, for a batch of events in one call: notify reads "
    "the words a batch's mails quote here.",
    responses=error_responses(403),
    openapi_extra=OPEN_TO_SERVICES,
)
async def lookup(body: MatchLookup, uow: Uow, principal: PrincipalDep) -> MatchLookupResult:
    require_role(principal, Role.SERVICE, "read matches in bulk")
    wanted = list(dict.fromkeys(body.match_ids))
    rows = await queries.match_rows(uow.connection, wanted)
    names = await queries.shown_names(uow.connection, rows)
    by_institution: dict[str, list[str]] = {}
    for row in rows:
        by_institution.setdefault(row["institution"], []).append(str(row["match_id"]))
    await audit.record_reads(uow.transaction, principal, uow.cause, "matches", by_institution)  # reasons quote people's words
    known = {row["match_id"] for row in rows}
    return MatchLookupResult(
        matches=[MatchView.of(row, sees_full_reasons(principal, _tenancy(row)), names) for row in rows],
        unknown=[match_id for match_id in wanted if match_id not in known],
    )


def _tenancy(row: asyncpg.Record) -> Tenancy:
    """Where the pair lives, as ``access.match_tenancy`` reads it for one match."""
    return Tenancy(
        row["institution"],
        frozenset({row["tenancy_campus_a"], row["tenancy_campus_b"]}),
        row["program_id"],
        frozenset(s for s in (row["tenancy_subject_a"], row["tenancy_subject_b"]) if s),
    )
