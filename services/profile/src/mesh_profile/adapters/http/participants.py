"""Participants over HTTP: a person joins, claims a roster's profile, changes it, leaves, and has their
personal data erased; the person themself, or an admin of their institution."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from mentoring_contracts.events.base import ProgramId
from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.adapters.access import participant_tenancy, person_of
from mesh_profile.adapters.http.dependencies import Uow
from mesh_profile.adapters.postgres.participants import PostgresParticipants
from mesh_profile.application.change_participation import claim_profile, leave_program, update_profile
from mesh_profile.application.erase_participant import SERVICES_HOLDING_PERSONAL_DATA, erase_participant
from mesh_profile.application.join_program import join_program
from mesh_profile.domain.erasure import Erasure
from mesh_profile.domain.participant import Participant, changed_fields
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses, require_role
from mesh_runtime.identity import Principal, Role

router: APIRouter = APIRouter(prefix="/participants", tags=["participants"])


class ParticipantView(BaseModel):
    participant_id: UUID
    status: Literal["active", "left", "erased"]
    joined_at: datetime
    left_at: datetime | None
    erased_at: datetime | None = None
    left_reason: str | None = Field(default=None, description="Why they left, in their words, if they said.")
    subject: str | None = Field(
        default=None,
        description="Their account at the institution's identity provider; "
        "none after erasure, nor before a person a roster brought claims their profile.",
    )
    external_id: str | None = Field(default=None, description="The institution's id for them, from a roster.")
    profile: ParticipantProfile = Field(
        description="After erasure: only what is anonymous (program, campus, roles, "
        "availability); name and email are placeholders, free text is gone. "
        "To the platform's services: as published (without mentoring that "
        "awaits a coordinator's approval)."
    )
    mentoring: Literal["awaiting_approval", "approved"] | None = Field(
        default=None, description="In a program that asks a coordinator's approval of mentors: whether theirs is given."
    )

    @classmethod
    def of(cls, participant: Participant, *, published: bool = False) -> "ParticipantView":
        """``published``: as the other services may know them (a service reads it)."""
        return cls(
            participant_id=participant.participant_id,
            status=participant.status.value,
            joined_at=participant.joined_at,
            left_at=participant.left_at,
            erased_at=participant.erased_at,
            left_reason=participant.left_reason,
            subject=participant.subject,
            external_id=participant.external_id,
            mentoring=participant.mentoring,
            profile=participant.published if published else participant.profile,
        )


class Confirmation(BaseModel):
    service: str
    confirmed_at: datetime | None = Field(description="None: not confirmed yet (the service catches up when it runs).")
    erased: list[str] = Field(default_factory=list, description="What it erased or anonymised, in words.")


class ErasureView(BaseModel):
    participant_id: UUID
    requested_at: datetime
    requested_by: str = Field(description="'participant' when they asked themself, else the admin's account id.")
    complete: bool = Field(description="Every service holding personal data has confirmed.")
    confirmations: list[Confirmation]

    @classmethod
    def of(cls, erasure: Erasure) -> "ErasureView":
        return cls(
            participant_id=erasure.participant_id,
            requested_at=erasure.requested_at,
            requested_by=erasure.requested_by,
            complete=erasure.confirmed_by(SERVICES_HOLDING_PERSONAL_DATA),
            confirmations=[
                Confirmation(service=s, confirmed_at=erasure.confirmations.get(s), erased=erasure.erased.get(s, []))
                for s in SERVICES_HOLDING_PERSONAL_DATA
            ],
        )


class Claim(BaseModel):
    program_id: ProgramId = Field(description="The program whose roster brought you.")


class Leave(BaseModel):
    reason: str | None = Field(default=None, max_length=1000, description="Why, if they want to say.")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Join a mentoring program",
    description="The caller joins as themself: the participant is bound to their account, in their institution, "
    "on one of their campuses, with the email their institution vouches for (the token's verified "
    "address; 403 without one). Affiliation, year of study and department are the token's: one given "
    "that differs, or that the token lacks, is refused as `not-eligible` (422) naming the field; of "
    "the program's custom attributes, give only the answers to its registration questions (those "
    "`asked`; the others come only from a roster, and giving one is refused the same way). The "
    "program must be open and admit them by every rule: a refusal is a "
    "problem (`urn:mentoringmesh:problem:not-eligible`, 422; 409 when only places are lacking) "
    "whose `violations` name each rule failed, why, and the `field` of the profile it reads "
    "(`custom_attributes.<name>` for an answer). Sent again by the same account (a retry after a "
    "lost answer), it is refused as `urn:mentoringmesh:problem:already-joined` (409) with the "
    "`participant_id` it made, also in `Location`.",
    responses=error_responses(403, 404, 409, 422),
)
async def join(profile: ParticipantProfile, uow: Uow, principal: PrincipalDep) -> ParticipantView:
    require_role(principal, Role.PARTICIPANT, "join a program (a person joins as themself)")
    participant = await join_program(
        uow, profile, institution=principal.institution, subject=principal.subject, person=person_of(principal)
    )
    return ParticipantView.of(participant)


@router.post(
    "/claim",
    summary="Take the profile a program's roster made for you",
    description="The participant in the program with the email your institution vouches for (the token's "
    "verified email) becomes yours, once. From then on you act on it as if you had joined.",
    responses=error_responses(403, 404, 409),
)
async def claim(body: Claim, uow: Uow, principal: PrincipalDep) -> ParticipantView:
    require_role(principal, Role.PARTICIPANT, "claim a profile (a person claims their own)")
    participant = await claim_profile(uow, body.program_id, principal.subject, person_of(principal))
    return ParticipantView.of(participant)


@router.put(
    "/{participant_id}/profile",
    summary="Replace a participant's profile (the participant, or an admin)",
    description="A participant keeps their stored email, or changes it to the one their institution vouches "
    "for. Affiliation, year of study, department and custom attributes stay as the institution "
    "gave them (left out: kept); changing one is refused (403) naming it, except to the value "
    "their token now carries when no roster gave it. The answers to the program's registration "
    "questions (custom attributes it marks `asked`) are the participant's to change (left out: "
    "kept), held to the program's rules as on joining. An admin sets them all as they are.",
    responses=error_responses(403, 404, 409, 422),
)
async def update(participant_id: UUID, profile: ParticipantProfile, uow: Uow, principal: PrincipalDep) -> ParticipantView:
    current = await _own(uow, principal, participant_id)
    participant = await update_profile(uow, participant_id, profile, None if principal.is_admin else person_of(principal))
    await _audit(uow, principal, "participant.update", current, participant)
    return ParticipantView.of(participant)


@router.post(
    "/{participant_id}/leave",
    summary="Leave the program (the participant, or an admin)",
    responses=error_responses(403, 404, 409),
)
async def leave(participant_id: UUID, body: Leave, uow: Uow, principal: PrincipalDep) -> ParticipantView:
    current = await _own(uow, principal, participant_id)
    participant = await leave_program(uow, participant_id, body.reason)
    await _audit(uow, principal, "participant.leave", current, participant)
    return ParticipantView.of(participant)


async def _own(uow: Uow, principal: Principal, participant_id: UUID) -> Participant:
    """The participant, if the caller is them or an admin of their institution (no coordinator)."""
    current = await uow.participants.get_for_update(participant_id)
    authorize(
        principal, participant_tenancy(current) if current else None, f"participant {participant_id}", coordinators_may=False
    )
    assert current is not None  # authorize refused None
    return current


async def _audit(uow: Uow, principal: Principal, action: str, before: Participant, after: Participant) -> None:
    await audit.record_if_privileged(
        uow.transaction,
        principal,
        uow.cause,
        action,
        f"participant/{after.participant_id}",
        fields=changed_fields(before.profile, after.profile),
    )


@router.delete(
    "/{participant_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ErasureView,
    summary="Erase a participant's personal data (the participant themself, or an admin)",
    description="Personal data goes from every service; anonymous history stays. Asking again answers "
    "with the erasure under way. Follow it at GET /participants/{id}/erasure.",
    responses=error_responses(403, 404),
)
async def erase(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> ErasureView:
    await _authorize_erasure(uow.participants, principal, participant_id)
    erasure = await erase_participant(uow, participant_id, principal.subject, by_admin=principal.is_admin)
    await audit.record_if_privileged(uow.transaction, principal, uow.cause, "participant.erase", f"participant/{participant_id}")
    return ErasureView.of(erasure)


@router.get(
    "/{participant_id}/erasure",
    summary="Where a participant's erasure stands: who confirmed, when",
    responses=error_responses(403, 404),
)
async def erasure_status(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> ErasureView:
    await _authorize_erasure(uow.participants, principal, participant_id)
    erasure = await uow.participants.erasure(participant_id)
    if erasure is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"participant {participant_id} has not been erased")
    return ErasureView.of(erasure)


async def _authorize_erasure(participants: PostgresParticipants, principal: Principal, participant_id: UUID) -> None:
    participant = await participants.get(participant_id)
    erasure = await participants.erasure(participant_id) if participant else None
    authorize(
        principal,
        participant_tenancy(participant, erasure, principal.subject) if participant else None,
        f"participant {participant_id}",
        coordinators_may=False,
    )
