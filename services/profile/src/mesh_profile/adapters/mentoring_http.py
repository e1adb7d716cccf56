"""A coordinator approves a participant as a mentor, in a program that asks for it (M8: nobody
mentors students on their own say-so)."""

from uuid import UUID

from fastapi import APIRouter, HTTPException, status

from mesh_profile.adapters.access import participant_tenancy
from mesh_profile.adapters.http import ParticipantView
from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_profile.application.change_participation import ParticipantNotFound, approve_mentoring
from mesh_profile.domain.participant import ProfileError
from mesh_runtime import audit
from mesh_runtime.dependencies import CauseDep, ComponentsDep, PrincipalDep, authorize, error_responses

router = APIRouter(prefix="/participants", tags=["participants"])


@router.post(
    "/{participant_id}/mentoring/approval",
    summary="Approve a participant as a mentor (a coordinator of their program and campus, or an admin)",
    description="In a program with `mentors_need_approval`, someone who mentors is published without their "
    "mentor topics and capacity (not at all if they only mentor) until this is done; then the "
    "other services learn their mentoring (ParticipantProfileUpdated, or ParticipantJoined). "
    "The approval stands for later changes; approving again changes nothing. Audited.",
    responses=error_responses(403, 404, 409),
)
async def approve(participant_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> ParticipantView:
    try:
        async with components.database.transaction(principal.institution) as transaction:
            uow = PostgresProfileUnitOfWork(transaction, components.source, cause)
            current = await uow.participants.get_for_update(participant_id)
            authorize(
                principal, current and participant_tenancy(current), f"participant {participant_id}", owners_may=False
            )  # nobody approves themself
            participant = await approve_mentoring(uow, participant_id)
            await audit.record(transaction, principal, cause, "participant.approve_mentoring", f"participant/{participant_id}")
    except ParticipantNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except ProfileError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    return ParticipantView.of(participant)
