"""The signed-in person's own participations, found by their account rather than by ids: what a
participant's app shows first, and where it learns that a program's roster made a profile for them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from mentoring_contracts.events.participants import Role as ProfileRole
from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.application.my_participations import my_participations
from mesh_profile.domain.participation import Participation
from mesh_runtime.dependencies import PrincipalDep, error_responses, require_role
from mesh_runtime.identity import Role

router: APIRouter = APIRouter(prefix="/me", tags=["participants"])


class ParticipationView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: UUID = Field(description="Read and change it at /participants/{participant_id} (once claimed).")
    program_id: str
    program_name: str
    program_status: Literal["open", "closed"]
    state: Literal["active", "left", "waiting_for_you"] = Field(
        description="active or left: yours. waiting_for_you: the program's roster made it with the address your "
        'institution vouches for; take it with `POST /participants/claim` `{"program_id"}`.'
    )
    roles: list[ProfileRole] = Field(description="The roles taken, over the profile's topics.")
    campus: str
    joined_at: datetime = Field(description="When they joined, or the roster brought them.")
    left_at: datetime | None
    mentoring: Literal["awaiting_approval", "approved"] | None = Field(
        description="In a program that asks a coordinator's approval of mentors: whether theirs is given."
    )

    @classmethod
    def of(cls, participation: Participation) -> "ParticipationView":
        return cls(
            participant_id=participation.participant_id,
            program_id=participation.program_id,
            program_name=participation.program_name,
            program_status="open" if participation.program_open else "closed",
            state=participation.state.value,
            roles=list(participation.roles),
            campus=participation.campus,
            joined_at=participation.joined_at,
            left_at=participation.left_at,
            mentoring=participation.mentoring,
        )


class MyParticipations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participations: list[ParticipationView] = Field(description="In the order they joined.")
    rosters_searched: bool = Field(
        description="Whether profiles programs' rosters made for you were looked for: only "
        "by the address your institution vouches for (your token's verified "
        "email); without one, none can be found or claimed."
    )


@router.get(
    "/participations",
    summary="Your participations across your institution's programs (participants)",
    description="Every participant bound to your account in your institution, active or left, and every "
    "profile a program's roster made for you that waits for you to claim it (found by the email "
    "your institution vouches for, on one of your campuses). An erased participation is bound to "
    "nobody any more and is not listed: follow its erasure by its id.",
    responses=error_responses(403),
)
async def participations(uow: Uow, principal: PrincipalDep) -> MyParticipations:
    require_role(principal, Role.PARTICIPANT, "list their participations (a person lists their own)")
    found = await my_participations(uow, subject=principal.subject, email=principal.email, campuses=principal.campuses)
    return MyParticipations(
        participations=[ParticipationView.of(participation) for participation in found],
        rosters_searched=principal.email is not None,
    )
