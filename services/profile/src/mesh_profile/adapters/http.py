"""The profile service's HTTP API."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.adapters.postgres import PostgresParticipants, PostgresProfileUnitOfWork
from mesh_profile.application.change_participation import ParticipantNotFound, leave_program, update_profile
from mesh_profile.application.join_program import join_program
from mesh_profile.domain.participant import AlreadyJoined, Participant, ProfileError, ProgramIsFixed
from mesh_runtime.dependencies import CauseDep, ComponentsDep, error_responses

router = APIRouter(prefix="/participants", tags=["participants"])


class ParticipantView(BaseModel):
    participant_id: UUID
    status: Literal["active", "left"]
    joined_at: datetime
    left_at: datetime | None
    profile: ParticipantProfile

    @classmethod
    def of(cls, participant: Participant) -> "ParticipantView":
        return cls(participant_id=participant.participant_id, status=participant.status.value,
                   joined_at=participant.joined_at, left_at=participant.left_at, profile=participant.profile)


class Leave(BaseModel):
    reason: str | None = Field(default=None, max_length=1000, description="Why, if they want to say.")


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


@router.put("/{participant_id}/profile", summary="Replace a participant's profile",
            responses=error_responses(404, 409, 422))
async def update(participant_id: UUID, profile: ParticipantProfile, components: ComponentsDep, cause: CauseDep) -> ParticipantView:
    return await _change(components, cause, lambda uow: update_profile(uow, participant_id, profile))


@router.post("/{participant_id}/leave", summary="Leave the program", responses=error_responses(404, 409))
async def leave(participant_id: UUID, body: Leave, components: ComponentsDep, cause: CauseDep) -> ParticipantView:
    return await _change(components, cause, lambda uow: leave_program(uow, participant_id, body.reason))


async def _change(components, cause, use_case) -> ParticipantView:
    try:
        async with components.database.transaction() as transaction:
            participant = await use_case(PostgresProfileUnitOfWork(transaction, components.source, cause))
    except ParticipantNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except ProgramIsFixed as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from error
    except ProfileError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    return ParticipantView.of(participant)
