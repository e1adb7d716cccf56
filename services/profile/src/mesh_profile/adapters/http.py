"""The profile service's HTTP API."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from mentoring_contracts.events.base import ProgramId
from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.adapters.access import participant_tenancy
from mesh_profile.adapters.postgres import PostgresParticipants, PostgresProfileUnitOfWork
from mesh_profile.adapters.refusals import not_vouched, program_refusals
from mesh_profile.application.change_participation import (
    ParticipantNotFound,
    claim_profile,
    leave_program,
    update_profile,
)
from mesh_profile.application.erase_participant import SERVICES_HOLDING_PERSONAL_DATA, Erasure, erase_participant
from mesh_profile.application.join_program import join_program
from mesh_profile.domain.participant import (
    AlreadyJoined,
    Participant,
    ProfileError,
    ProgramIsFixed,
    changed_fields,
)
from mesh_profile.domain.vouched import NotVouched, Vouched
from mesh_runtime import audit
from mesh_runtime.dependencies import (
    CauseDep,
    ComponentsDep,
    PrincipalDep,
    authorize,
    error_responses,
    require_role,
)
from mesh_runtime.identity import Principal, Role
from mesh_runtime.problems import Problem

router = APIRouter(prefix="/participants", tags=["participants"])
MAX_LOOKUP = 1000


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
            complete=erasure.complete,
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
async def join(
    profile: ParticipantProfile, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> ParticipantView:
    require_role(principal, Role.PARTICIPANT, "join a program (a person joins as themself)")
    _require_own_campus(principal, profile.campus)
    email = _vouched_email(principal)
    _require_own_email(principal, str(profile.email))
    profile = profile.model_copy(update={"email": email})  # the institution's spelling of it, not the body's
    try:
        async with program_refusals(), components.database.transaction(principal.institution) as transaction:
            uow = PostgresProfileUnitOfWork(transaction, components.source, cause)
            participant = await join_program(
                uow, profile, institution=principal.institution, subject=principal.subject, vouched=_vouched(principal)
            )
    except NotVouched as error:
        raise not_vouched(error) from error
    except AlreadyJoined as error:
        if error.yours and error.participant_id is not None:
            raise Problem(
                status.HTTP_409_CONFLICT,
                str(error),
                kind="already-joined",
                title="Already joined",
                headers={"Location": f"/participants/{error.participant_id}"},
                participant_id=str(error.participant_id),
            ) from error
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    return ParticipantView.of(participant)


@router.post(
    "/claim",
    summary="Take the profile a program's roster made for you",
    description="The participant in the program with the email your institution vouches for (the token's "
    "verified email) becomes yours, once. From then on you act on it as if you had joined.",
    responses=error_responses(403, 404, 409),
)
async def claim(body: Claim, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> ParticipantView:
    require_role(principal, Role.PARTICIPANT, "claim a profile (a person claims their own)")
    if principal.email is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="your token carries no verified email to find you by")
    try:
        async with components.database.transaction(principal.institution) as transaction:
            uow = PostgresProfileUnitOfWork(transaction, components.source, cause)
            participant = await claim_profile(uow, body.program_id, principal.email, principal.subject)
            _require_own_campus(principal, participant.profile.campus)  # else nothing is claimed
    except ParticipantNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except ProfileError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
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
async def update(
    participant_id: UUID, profile: ParticipantProfile, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> ParticipantView:
    vouched = None if principal.is_admin else _vouched(principal)
    return await _change(
        components,
        cause,
        principal,
        participant_id,
        "participant.update",
        lambda uow: update_profile(uow, participant_id, profile, vouched),
        moving_to=profile.campus,
        new_email=str(profile.email),
    )


@router.post(
    "/{participant_id}/leave",
    summary="Leave the program (the participant, or an admin)",
    responses=error_responses(403, 404, 409),
)
async def leave(
    participant_id: UUID, body: Leave, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> ParticipantView:
    return await _change(
        components,
        cause,
        principal,
        participant_id,
        "participant.leave",
        lambda uow: leave_program(uow, participant_id, body.reason),
    )


def _vouched_email(principal: Principal) -> str:
    """The address the institution vouches for: without one, a person could join with anyone's (and the
    roster would then adopt them as that person)."""
    if principal.email is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="your institution vouches for no email address of yours (your token carries no "
            "verified email), so you cannot join with one: ask your institution, or a "
            "coordinator to add you through the program's roster",
        )
    return principal.email


def _require_own_email(principal: Principal, email: str, stored: str | None = None) -> None:
    """Mail goes where the institution says the person is: nobody joins with, or changes to, someone
    else's address. Keeping the address already stored needs no vouching."""
    if stored is not None and stored.casefold() == email.casefold():
        return
    if _vouched_email(principal).casefold() != email.casefold():
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"the email must be the one your institution gives for you ({principal.email})"
        )


def _vouched(principal: Principal) -> Vouched:
    return Vouched.of(principal.affiliation, principal.year_of_study, principal.department)


def _require_own_campus(principal: Principal, campus: str) -> None:
    if campus not in principal.campuses:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"campus {campus!r} is not one of yours")


async def _change(
    components,
    cause,
    principal: Principal,
    participant_id: UUID,
    action: str,
    use_case,
    moving_to: str | None = None,
    new_email: str | None = None,
) -> ParticipantView:
    """The participant themself, or an admin; a participant moves only to a campus of their own."""
    try:
        async with program_refusals(), components.database.transaction(principal.institution) as transaction:
            uow = PostgresProfileUnitOfWork(transaction, components.source, cause)
            current = await uow.participants.get_for_update(participant_id)
            authorize(
                principal, current and participant_tenancy(current), f"participant {participant_id}", coordinators_may=False
            )
            if moving_to is not None and not principal.is_admin:
                _require_own_campus(principal, moving_to)
            if new_email is not None and not principal.is_admin:
                _require_own_email(principal, new_email, stored=str(current.profile.email))
            participant = await use_case(uow)
            await audit.record_if_privileged(
                transaction,
                principal,
                cause,
                action,
                f"participant/{participant_id}",
                fields=changed_fields(current.profile, participant.profile),
            )
    except ParticipantNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except NotVouched as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(error)) from error
    except ProgramIsFixed as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from error
    except ProfileError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    return ParticipantView.of(participant)


@router.delete(
    "/{participant_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ErasureView,
    summary="Erase a participant's personal data (the participant themself, or an admin)",
    description="Personal data goes from every service; anonymous history stays. Asking again answers "
    "with the erasure under way. Follow it at GET /participants/{id}/erasure.",
    responses=error_responses(403, 404),
)
async def erase(participant_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> ErasureView:
    async with components.database.transaction(principal.institution) as transaction:
        uow = PostgresProfileUnitOfWork(transaction, components.source, cause)
        await _authorize_erasure(uow.participants, principal, participant_id)
        erasure = await erase_participant(uow, participant_id, principal.subject, by_admin=principal.is_admin)
        await audit.record_if_privileged(transaction, principal, cause, "participant.erase", f"participant/{participant_id}")
    return ErasureView.of(erasure)


@router.get(
    "/{participant_id}/erasure",
    summary="Where a participant's erasure stands: who confirmed, when",
    responses=error_responses(403, 404),
)
async def erasure_status(participant_id: UUID, components: ComponentsDep, principal: PrincipalDep) -> ErasureView:
    async with components.database.transaction(principal.institution) as transaction:
        participants = PostgresParticipants(transaction.connection)
        await _authorize_erasure(participants, principal, participant_id)
        erasure = await participants.erasure(participant_id)
    if erasure is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"participant {participant_id} has not been erased")
    return ErasureView.of(erasure)


async def _authorize_erasure(participants: PostgresParticipants, principal: Principal, participant_id: UUID) -> None:
    participant = await participants.get(participant_id)
    erasure = await participants.erasure(participant_id) if participant else None
    authorize(
        principal,
        participant and participant_tenancy(participant, erasure, principal.subject),
        f"participant {participant_id}",
        coordinators_may=False,
    )
