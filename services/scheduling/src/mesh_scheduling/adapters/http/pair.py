"""A pair's whole schedule in one read: its agreement (every version, the progress on its goals) and
its sessions. What a pair's page shows, in one request rather than two; each part is read by the same
rules as its own route (/matches/{id}/agreements, /matches/{id}/sessions), and audited the same way."""

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Decision, decide
from mesh_scheduling.adapters.access import pair_tenancy
from mesh_scheduling.adapters.http.agreements import AgreementsView, read_agreements
from mesh_scheduling.adapters.http.dependencies import Uow
from mesh_scheduling.adapters.http.sessions import SessionView, read_sessions

router: APIRouter = APIRouter(tags=["sessions"])


class PairSchedule(BaseModel):
    agreements: AgreementsView
    sessions: list[SessionView]


@router.get(
    "/matches/{match_id}/schedule",
    responses=error_responses(403),
    summary="A pair's agreement and sessions at once (the pair, coordinators, admins)",
)
async def pair_schedule(match_id: UUID, uow: Uow, principal: PrincipalDep) -> PairSchedule:
    pair = await pair_tenancy(uow.connection, match_id)
    if pair is None or decide(principal, pair) is Decision.HIDDEN:  # as each part answers: nothing leaks
        return PairSchedule(agreements=AgreementsView(versions=[], goal_progress=[]), sessions=[])
    authorize(principal, pair, f"match {match_id}")
    agreements = await read_agreements(uow.connection, match_id)
    sessions = await read_sessions(uow.connection, principal, match_id)
    await audit.record_reads(uow.transaction, principal, uow.cause, "agreements", {pair.institution: [str(match_id)]})
    await audit.record_reads(
        uow.transaction, principal, uow.cause, "sessions", {pair.institution: [str(view.session_id) for view in sessions]}
    )
    return PairSchedule(agreements=agreements, sessions=sessions)
