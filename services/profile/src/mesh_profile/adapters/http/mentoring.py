"""A coordinator approves a participant as a mentor, in a program that asks for it (M8: nobody
mentors students on their own say-so)."""

from uuid import UUID

from fastapi import APIRouter

from mesh_profile.adapters.access import participant_tenancy
from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.adapters.http.participants import ParticipantView
from mesh_profile.application.change_participation import approve_mentoring
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses

router: APIRouter = APIRouter(prefix="/participants", tags=["participants"])


@router.post(
    "/{participant_id}/mentoring/approval",
    summary="Approve a participant as a mentor (a coordinator of their program and campus, or an admin)",
    description="In a program with `mentors_need_approval`, someone who mentors is published without their "
    "mentor topics and capacity (not at all if they only mentor) until this is done; then the "
    "other services learn their mentoring (ParticipantProfileUpdated, or ParticipantJoined). "
    "The approval stands for later changes; approving again changes nothing. Audited.",
    responses=error_responses(403, 404, 409),
)
async def approve(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> ParticipantView:
    current = await uow.participants.get_for_update(participant_id)
    authorize(
        principal, participant_tenancy(current) if current else None, f"participant {participant_id}", owners_may=False
    )  # nobody approves themself
    participant = await approve_mentoring(uow, participant_id)
    await audit.record(uow.transaction, principal, uow.cause, "participant.approve_mentoring", f"participant/{participant_id}")
    return ParticipantView.of(participant)
