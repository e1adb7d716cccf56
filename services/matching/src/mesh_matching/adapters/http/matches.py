"""Matches over HTTP: read one, or a participant's; one of the pair accepts, declines or ends one."""

from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter
from pydantic import BaseModel, Field

from mentoring_contracts import ScorePart
from mesh_matching.adapters.access import (
    coordinates_pair,
    match_tenancy,
    participant_tenancy,
    require_acting_as_themself,
    require_member,
    sees_full_reasons,
)
from mesh_matching.adapters.http import queries
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.postgres import match_from_row
from mesh_matching.application.answer_match import accept_match, decline_match, end_match
from mesh_matching.domain.match import MatchStatus
from mesh_runtime import audit
from mesh_runtime.dependencies import OPEN_TO_SERVICES, PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(tags=["matches"])
ERRORS = error_responses(403, 404, 409)


class MatchMember(BaseModel):
    participant_id: UUID
    role: str
    accepted: bool
    display_name: str | None = Field(
        default=None,
        description="The name they chose to be shown by (what a suggestion "
        "shows too): the pair know whom they are asked to meet. None once erased.",
    )


class MatchView(BaseModel):
    match_id: UUID
    program_id: str
    topic: str
    kind: Literal["mentor_mentee", "peer"]
    status: Literal["proposed", "accepted", "declined", "expired", "ended"]
    participants: list[MatchMember]
    score: float
    score_parts: list[ScorePart]
    reasons: list[str] = Field(
        description="Why they were proposed, in words (empty once either is erased). In full for "
        "the program's coordinators and admins; to anyone else, only what both wrote, "
        "and only how many challenges both named."
    )
    closing_reason: str | None = Field(default=None, description="Why it was declined or ended, in words, if given.")
    proposed_at: datetime
    expires_at: datetime
    formed_at: datetime | None = Field(default=None, description="When both had accepted.")
    dormant_since: datetime | None = Field(default=None, description="Set while the pair lies dormant: when it was found so.")
    dormant_ends_at: datetime | None = Field(default=None, description="When a dormant pair ends unless it completes a session.")
    arranged: bool = Field(
        default=False,
        description="Proposed by hand by a coordinator or an admin (MatchArranged), not by matching nor by either of the pair.",
    )
    note: str | None = Field(
        default=None,
        description="The coordinator's note to both, for a pair proposed by hand; none once either of the pair is erased.",
    )

    @classmethod
    def of(cls, row: asyncpg.Record, full_reasons: bool, names: dict[UUID, str]) -> "MatchView":
        """A row of ``matches`` as shown: the match as stored (``match_from_row``), with what only a
        reader sees (the parts, the reasons as this reader may read them, dormancy, the coordinator's note)."""
        match = match_from_row(row)
        formed = match.status is MatchStatus.ACCEPTED
        return cls(
            match_id=match.match_id,
            program_id=match.program_id,
            topic=match.topic,
            kind=match.kind,  # type: ignore[arg-type]  # a stored kind is one of the two
            status=match.status.value,
            participants=[
                MatchMember(participant_id=pid, role=role, accepted=pid in match.accepted_by, display_name=names.get(pid))
                for pid, role in zip(match.participants, match.roles, strict=True)
            ],
            score=match.score,
            score_parts=row["score_parts"],
            reasons=row["reasons"] if full_reasons else row["participant_reasons"],
            closing_reason=match.closing_reason,
            proposed_at=match.proposed_at,
            expires_at=match.expires_at,
            formed_at=match.formed_at,
            dormant_since=row["stalled_at"] if formed else None,
            dormant_ends_at=row["stall_ends_at"] if formed else None,
            arranged=row["arranged_by"] is not None,
            note=row["note"],
        )


class Answer(BaseModel):
    participant_id: UUID = Field(description="Who answers: one of the match's two participants.")


class Decline(Answer):
    reason: str | None = Field(default=None, max_length=1000)


class End(Answer):
    outcome: Literal["completed", "ended_early"] = Field(description="As planned, or early.")
    reason: str | None = Field(default=None, max_length=1000)


@router.get(
    "/matches/{match_id}",
    summary="A match with its score and reasons (the pair, coordinators, admins)",
    description="Also open to the platform's services: notify reads the reasons here for its mails.",
    responses=ERRORS,
    openapi_extra=OPEN_TO_SERVICES,
)
async def get_match(match_id: UUID, uow: Uow, principal: PrincipalDep) -> MatchView:
    return await _shown(uow, principal, match_id)


@router.get(
    "/participants/{participant_id}/matches", summary="A participant's matches, newest first", responses=error_responses(403, 404)
)
async def participant_matches(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> list[MatchView]:
    tenancy = await participant_tenancy(uow.connection, participant_id)
    authorize(principal, tenancy, f"participant {participant_id}")
    rows = await queries.participant_match_rows(uow.connection, participant_id)
    names = await queries.shown_names(uow.connection, rows)
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "matches",
        {tenancy.institution: [str(row["match_id"]) for row in rows]},  # type: ignore[union-attr]  # authorize refused None
    )
    return [MatchView.of(row, sees_full_reasons(principal, tenancy), names) for row in rows]


@router.post("/matches/{match_id}/accept", summary="Accept a proposed match (one of the pair, for themself)", responses=ERRORS)
async def accept(match_id: UUID, answer: Answer, uow: Uow, principal: PrincipalDep) -> MatchView:
    await _may_answer(uow, principal, match_id, answer.participant_id)
    await accept_match(uow, match_id, answer.participant_id)
    return await _answered(uow, principal, match_id, answer.participant_id, "match.accept")


@router.post("/matches/{match_id}/decline", summary="Decline a proposed match (one of the pair, for themself)", responses=ERRORS)
async def decline(match_id: UUID, answer: Decline, uow: Uow, principal: PrincipalDep) -> MatchView:
    await _may_answer(uow, principal, match_id, answer.participant_id)
    await decline_match(uow, match_id, answer.participant_id, answer.reason)
    return await _answered(uow, principal, match_id, answer.participant_id, "match.decline")


@router.post(
    "/matches/{match_id}/end",
    summary="End a formed pair (completed, or early with a reason)",
    description="Either of the pair for themself; an admin of the institution, or a coordinator of every "
    "campus of the pair, for one of them (``participant_id``), early and with a reason.",
    responses=error_responses(403, 404, 409, 422),
)
async def end(match_id: UUID, answer: End, uow: Uow, principal: PrincipalDep) -> MatchView:
    by_staff = await _may_answer(uow, principal, match_id, answer.participant_id, staff_may=True)
    await end_match(uow, match_id, answer.participant_id, answer.outcome, answer.reason, by_staff=by_staff)
    return await _answered(uow, principal, match_id, answer.participant_id, "match.end")


async def _may_answer(uow: Uow, principal: Principal, match_id: UUID, participant_id: UUID, staff_may: bool = False) -> bool:
    """One of the pair answers for themself (an admin of the institution may answer for them); with
    ``staff_may`` (ending a pair) a coordinator of every campus of the pair may too, for one of them:
    then True (the use case holds them to its rule for staff)."""
    pair = await match_tenancy(uow.connection, match_id)
    coordinating = staff_may and coordinates_pair(principal, pair)
    authorize(principal, pair, f"match {match_id}", coordinators_may=coordinating)
    if coordinating and not principal.is_admin:
        await require_member(uow.connection, match_id, participant_id)
        return True
    await require_acting_as_themself(uow.connection, principal, participant_id)
    return False


async def _answered(uow: Uow, principal: Principal, match_id: UUID, participant_id: UUID, action: str) -> MatchView:
    await audit.record_if_privileged(
        uow.transaction, principal, uow.cause, action, f"match/{match_id}", participant_id=str(participant_id)
    )
    return await _shown(uow, principal, match_id)


async def _shown(uow: Uow, principal: Principal, match_id: UUID) -> MatchView:
    tenancy = await match_tenancy(uow.connection, match_id)
    authorize(principal, tenancy, f"match {match_id}", services_may=True)
    row = await queries.match_row(uow.connection, match_id)
    assert row is not None, "authorize refused a match not found"
    names = await queries.shown_names(uow.connection, [row])
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "matches",  # its reasons quote people's words
        {tenancy.institution: [str(match_id)]},  # type: ignore[union-attr]  # authorize refused None
    )
    return MatchView.of(row, sees_full_reasons(principal, tenancy), names)
