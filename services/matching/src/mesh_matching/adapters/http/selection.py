"""Self-selection over HTTP: suggestions with reasons, and requests to several partners at once."""

from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mesh_matching.adapters.access import participant_tenancy, require_acting_as_themself, sees_full_reasons
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.application.self_selection import MAX_REQUESTS, request_partners, suggest_partners
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(tags=["self-selection"])


class Suggestion(BaseModel):
    participant_id: UUID
    display_name: str
    topic: str
    kind: str
    score: float
    reasons: list[str] = Field(
        description="Why they fit, in words; to the participant: what both wrote, and only how many challenges both named."
    )


class PartnerRequest(BaseModel):
    partner_ids: list[UUID] = Field(min_length=1, max_length=MAX_REQUESTS, description="Whom to ask, at once.")


class RequestResult(BaseModel):
    partner_id: UUID
    match_id: UUID | None = Field(description="The proposal the partner now accepts or declines.")
    refused: str | None = Field(description="Why no proposal was made.")


@router.get(
    "/participants/{participant_id}/suggestions",
    summary="Best possible partners, with reasons",
    responses=error_responses(403, 404, 409),
)
async def suggestions(
    participant_id: UUID, uow: Uow, principal: PrincipalDep, limit: int = Query(default=5, ge=1, le=20)
) -> list[Suggestion]:
    tenancy = await participant_tenancy(uow.connection, participant_id)
    authorize(principal, tenancy, f"participant {participant_id}")
    ranked = await suggest_partners(uow, participant_id, limit, campuses=_visible(principal))
    full = sees_full_reasons(principal, tenancy)
    return [
        Suggestion(
            participant_id=p.partner.participant_id,
            display_name=p.partner.profile.display_name,
            topic=p.pair.topic,
            kind=p.pair.kind,
            score=p.pair.score,
            reasons=list(p.pair.reasons if full else p.pair.participant_reasons),
        )
        for p in ranked
    ]


@router.post(
    "/participants/{participant_id}/requests", summary="Ask several partners at once", responses=error_responses(403, 404, 409)
)
async def requests(participant_id: UUID, body: PartnerRequest, uow: Uow, principal: PrincipalDep) -> list[RequestResult]:
    authorize(
        principal,
        await participant_tenancy(uow.connection, participant_id),
        f"participant {participant_id}",
        coordinators_may=False,
    )
    await require_acting_as_themself(uow.connection, principal, participant_id)
    outcomes = await request_partners(uow, participant_id, body.partner_ids, campuses=_visible(principal))
    return [
        RequestResult(partner_id=o.partner_id, match_id=o.match.match_id if o.match else None, refused=o.refused)
        for o in outcomes
    ]


def _visible(principal: Principal) -> frozenset[str] | None:
    """Whose partners may be shown: an admin sees the whole institution (None); anyone else, a
    coordinator included, only pool members on their own campuses (a coordinator's campuses are
    those they coordinate)."""
    return None if principal.is_admin else principal.campuses
