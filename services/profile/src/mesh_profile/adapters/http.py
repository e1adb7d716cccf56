"""The profile service's HTTP API."""

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel

from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.adapters.postgres import PostgresParticipants, PostgresProfileUnitOfWork
from mesh_profile.application.join_program import join_program
from mesh_profile.domain.participant import AlreadyJoined, Participant
from mesh_runtime.dependencies import CauseDep, ComponentsDep, error_responses

router = APIRouter(prefix="/participants", tags=["participants"])


class ParticipantView(BaseModel):
    participant_id: UUID
    joined_at: datetime
    profile: ParticipantProfile

    @classmethod
    def of(cls, participant: Participant) -> "ParticipantView":
        return cls(participant_id=participant.participant_id, joined_at=participant.joined_at, profile=participant.profile)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Join a mentoring program",
    responses=error_responses(409),
)
async def join(profile: ParticipantProfile, components: ComponentsDep, cause: CauseDep) -> ParticipantView:
    try:
        async with components.database.transaction() as transaction:
            uow = PostgresProfileUnitOfWork(transaction, components.source, cause)
            participant = await join_program(uow, profile)
    except AlreadyJoined as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    return ParticipantView.of(participant)


@router.get("/{participant_id}", summary="A participant's profile", responses=error_responses(404))
async def get(participant_id: UUID, components: ComponentsDep) -> ParticipantView:
    async with components.database.pool.acquire() as connection:
        participant = await PostgresParticipants(connection).get(participant_id)
    if participant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no participant {participant_id}")
    return ParticipantView.of(participant)
