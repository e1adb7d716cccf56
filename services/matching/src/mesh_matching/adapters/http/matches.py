"""The matching service's HTTP API: read matches, accept or decline them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, HTTPException, status
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
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.answer_match import MatchNotFound, accept_match, decline_match, end_match
from mesh_matching.domain.match import MatchClosed, MatchError, NotAParticipant
from mesh_runtime import audit
from mesh_runtime.app import Components
from mesh_runtime.db import Cause
from mesh_runtime.dependencies import (
    OPEN_TO_SERVICES,
    CauseDep,
    ComponentsDep,
    PrincipalDep,
    Problem,
    authorize,
    error_responses,
)
from mesh_runtime.identity import Principal

router = APIRouter(tags=["matches"])
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
async def get_match(match_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> MatchView:
    async with components.database.transaction(principal.institution) as transaction:
        tenancy = await match_tenancy(transaction.connection, match_id)
        authorize(principal, tenancy, f"match {match_id}", services_may=True)
        row = await transaction.connection.fetchrow("SELECT * FROM matches WHERE match_id = $1", match_id)
        names = await _names(transaction.connection, [row])
        await audit.record_reads(
            transaction,
            principal,
            cause,
            "matches",  # its reasons quote people's words
            {tenancy.institution: [str(match_id)]},
        )  # type: ignore[union-attr]
    return _view(row, sees_full_reasons(principal, tenancy), names)


@router.get(
    "/participants/{participant_id}/matches", summary="A participant's matches, newest first", responses=error_responses(403, 404)
)
async def participant_matches(
    participant_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> list[MatchView]:
    async with components.database.transaction(principal.institution) as transaction:
        tenancy = await participant_tenancy(transaction.connection, participant_id)
        authorize(principal, tenancy, f"participant {participant_id}")
        rows = await transaction.connection.fetch(
            "SELECT * FROM matches WHERE participant_a = $1 OR participant_b = $1 ORDER BY proposed_at DESC",
            participant_id,
        )
        names = await _names(transaction.connection, rows)
        await audit.record_reads(
            transaction, principal, cause, "matches", {tenancy.institution: [str(row["match_id"]) for row in rows]}
        )  # type: ignore[union-attr]
    return [_view(row, sees_full_reasons(principal, tenancy), names) for row in rows]


@router.post("/matches/{match_id}/accept", summary="Accept a proposed match (one of the pair, for themself)", responses=ERRORS)
async def accept(
    match_id: UUID, answer: Answer, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> MatchView:
    return await _answer(
        components,
        cause,
        principal,
        match_id,
        answer,
        "match.accept",
        lambda uow: accept_match(uow, match_id, answer.participant_id, components.clock.now()),
    )


@router.post("/matches/{match_id}/decline", summary="Decline a proposed match (one of the pair, for themself)", responses=ERRORS)
async def decline(
    match_id: UUID, answer: Decline, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> MatchView:
    return await _answer(
        components,
        cause,
        principal,
        match_id,
        answer,
        "match.decline",
        lambda uow: decline_match(uow, match_id, answer.participant_id, answer.reason, components.clock.now()),
    )


@router.post(
    "/matches/{match_id}/end",
    summary="End a formed pair (completed, or early with a reason)",
    description="Either of the pair for themself; an admin of the institution, or a coordinator of every "
    "campus of the pair, for one of them (``participant_id``), early and with a reason.",
    responses=error_responses(403, 404, 409, 422),
)
async def end(match_id: UUID, answer: End, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> MatchView:
    return await _answer(
        components,
        cause,
        principal,
        match_id,
        answer,
        "match.end",
        lambda uow: end_match(uow, match_id, answer.participant_id, answer.outcome, answer.reason, now=components.clock.now()),
        staff_may=True,
    )


async def _answer(
    components: Components,
    cause: Cause,
    principal: Principal,
    match_id: UUID,
    answer: Answer,
    action: str,
    use_case,
    staff_may: bool = False,
) -> MatchView:
    """One of the pair answers for themself (an admin of the institution may answer for them); with
    ``staff_may`` (ending a pair) a coordinator of every campus of the pair may too, giving a reason."""
    try:
        async with components.database.transaction(principal.institution) as transaction:
            pair = await match_tenancy(transaction.connection, match_id)
            coordinating = staff_may and coordinates_pair(principal, pair)
            authorize(principal, pair, f"match {match_id}", coordinators_may=coordinating)
            if coordinating and not principal.is_admin:
                if not getattr(answer, "reason", None) or getattr(answer, "outcome", None) != "ended_early":
                    raise Problem(
                        status.HTTP_422_UNPROCESSABLE_CONTENT,
                        "a coordinator ends a pair early, with a reason both partners read",
                        kind="reason-required",
                    )
                await require_member(transaction.connection, match_id, answer.participant_id)
            else:
                await require_acting_as_themself(transaction.connection, principal, answer.participant_id)
            await use_case(PostgresMatchingUnitOfWork(transaction, components.source, cause))
            await audit.record_if_privileged(
                transaction, principal, cause, action, f"match/{match_id}", participant_id=str(answer.participant_id)
            )
    except MatchNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
    except NotAParticipant as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(error)) from error
    except (MatchClosed, MatchError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    return await get_match(match_id, components, cause, principal)


async def _names(connection: asyncpg.Connection, rows: list[asyncpg.Record]) -> dict[UUID, str]:
    """The shown names of the matches' members, in one read (an erased member's placeholder)."""
    members = list({member for row in rows for member in (row["participant_a"], row["participant_b"])})
    found = await connection.fetch(
        "SELECT participant_id, profile->>'display_name' AS name FROM candidates WHERE participant_id = ANY($1::uuid[])", members
    )
    return {record["participant_id"]: record["name"] for record in found if record["name"]}


def _view(row: asyncpg.Record, full_reasons: bool, names: dict[UUID, str] | None = None) -> MatchView:
    names = names or {}
    accepted = set(row["accepted_by"])
    return MatchView(
        match_id=row["match_id"],
        program_id=row["program_id"],
        topic=row["topic"],
        kind=row["kind"],
        status=row["status"],
        participants=[
            MatchMember(
                participant_id=row["participant_a"],
                role=row["role_a"],
                accepted=row["participant_a"] in accepted,
                display_name=names.get(row["participant_a"]),
            ),
            MatchMember(
                participant_id=row["participant_b"],
                role=row["role_b"],
                accepted=row["participant_b"] in accepted,
                display_name=names.get(row["participant_b"]),
            ),
        ],
        score=row["score"],
        score_parts=row["score_parts"],
        reasons=row["reasons"] if full_reasons else row["participant_reasons"],
        closing_reason=row["closing_reason"],
        proposed_at=row["proposed_at"],
        expires_at=row["expires_at"],
        formed_at=row["formed_at"],
        dormant_since=row["stalled_at"] if row["status"] == "accepted" else None,
        dormant_ends_at=row["stall_ends_at"] if row["status"] == "accepted" else None,
        arranged=row["arranged_by"] is not None,
        note=row["note"],
    )
