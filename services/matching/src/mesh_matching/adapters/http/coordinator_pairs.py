"""A coordinator's own hand in pairs, over HTTP: propose two people as a pair (a dry run shows what the
pair would be), and check in on a formed pair (a nudge).

Who may: an admin of the institution, or a coordinator of the program on the campuses of both people
(of the pair's campuses, for a nudge); never one of the pair themself. Anyone else is refused as the
platform refuses everywhere: 404 for what they may not know exists, 403 for what they may see but not
change."""

from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field, StrictBool, TypeAdapter

from mentoring_contracts import ScorePart
from mentoring_contracts.events.base import trimmed_text
from mesh_matching.adapters.access import match_tenancy, participant_tenancy, program_tenancy, sees_full_reasons
from mesh_matching.adapters.hand_store import PostgresHandPairings
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.answer_match import MatchNotFound
from mesh_matching.application.coordinator_ports import Nudge
from mesh_matching.application.nudge_pair import NUDGE_INTERVAL, NudgeRefused, nudge_pair
from mesh_matching.application.propose_by_hand import HandProposal, HandProposalRefused, propose_by_hand
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
from mesh_runtime.identity import Principal, Tenancy

router = APIRouter(tags=["coordinators' pairs"])
Words = trimmed_text(500, multi_line=True)  # a coordinator's note or message to a pair, shown to both
Role = Literal["mentor", "mentee", "peer"]


class HandProposalRequest(BaseModel):
    participant_ids: list[UUID] = Field(
        min_length=2,
        max_length=2,
        description="The two people to pair. In a "
        "mentor_mentee program who mentors whom comes from their topic roles; "
        "where either could, the first named mentors.",
    )
    # Strict, as a round's: a lax 0 or "no" read as false would make a proposal when a preview was meant.
    dry_run: StrictBool = Field(default=True, description="Only show what the pair would be; nothing is proposed.")
    note: Words | None = Field(default=None, description="Shown to both with the proposal (at most 500 characters).")  # type: ignore[valid-type]


class ProposedMember(BaseModel):
    participant_id: UUID
    display_name: str
    role: Role
    campus: str


class ProposalWarning(BaseModel):
    code: str = Field(
        description="What kind of warning: no-shared-language, no-shared-topic, different-campuses, "
        "time-zone-gap, nothing-in-common, no-meeting-mode, too-little-shared-time, "
        "no-shared-availability, either-could-mentor (read an unknown one as 'other').",
        examples=["no-shared-language"],
    )
    detail: str = Field(description="In words.", examples=["no shared language"])
    policy_rule: bool = Field(
        description="A rule of the program's policy under which matching itself would never "
        "propose this pair: proposing it overrides the rule."
    )


class HandProposalView(BaseModel):
    dry_run: bool
    program_id: str
    topic: str = Field(description="What the pair would meet about.")
    kind: Literal["mentor_mentee", "peer"]
    participants: list[ProposedMember] = Field(description="In the order named, each with their role.")
    score: float = Field(description="As the program's current policy scores the pair, 0 to 1.")
    parts: list[ScorePart] = Field(description="Each criterion's contribution (as a match's score_parts).")
    reasons: list[str] = Field(description="Why they fit, in words, as a proposal's reasons.")
    warnings: list[ProposalWarning] = Field(description="What the coordinator overrides, or should know, by proposing them.")
    policy_eligible: bool = Field(description="Whether matching itself could have proposed this pair.")
    policy_version: int = Field(description="The version of the program's policy that scored it (0: the default).")
    match_id: UUID | None = Field(description="The proposal made (none for a dry run).")
    expires_at: datetime | None = Field(default=None, description="Until when both may accept it.")
    replayed: bool = Field(
        default=False,
        description="The same proposal was made before and is still open: this answers it again, and nothing new was proposed.",
    )


class NudgeRequest(BaseModel):
    message: Words | None = Field(default=None, description="Mailed to both (at most 500 characters).")  # type: ignore[valid-type]


class NudgeView(BaseModel):
    nudge_id: UUID
    match_id: UUID
    program_id: str
    nudged_by: Literal["coordinator", "admin"] = Field(description="The role of whoever nudged (who: the audit trail).")
    message: str | None = Field(description="Their words to the pair; none once either of the pair is erased.")
    dormant: bool = Field(description="Whether the pair was dormant when nudged.")
    nudged_at: datetime
    next_allowed_at: datetime = Field(description="The pair's next nudge may go from then (one in 24 hours).")


@router.post(
    "/programs/{program_id}/matches",
    summary="Propose two participants as a pair by hand (or preview it)",
    description="An admin, or a coordinator of the program on both people's campuses. The answer shows the "
    "pair as the program's policy scores it, with warnings a coordinator may knowingly override; "
    "`dry_run: false` proposes it (201): both accept or decline it as any proposal, and "
    "MatchArranged announces it. Refused (409, problem `type` ending in the kind): same-person, "
    "program-closed, not-an-active-participant, pair-excluded, roles-do-not-fit, already-matched, "
    "no-room.",
    responses={201: {"model": HandProposalView, "description": "Proposed."}, **error_responses(403, 404, 409)},
)
async def propose(
    program_id: str,
    body: HandProposalRequest,
    response: Response,
    components: ComponentsDep,
    cause: CauseDep,
    principal: PrincipalDep,
) -> HandProposalView:
    ids = (body.participant_ids[0], body.participant_ids[1])
    async with components.database.transaction(principal.institution) as transaction:
        program = await _require_coordinating(transaction.connection, principal, program_id, ids)
        uow = PostgresMatchingUnitOfWork(transaction, components.source, cause)
        try:
            proposal = await propose_by_hand(
                uow,
                PostgresHandPairings(transaction.connection),
                program_id,
                ids,
                arranged_by=_role(principal),
                note=body.note,
                publish=not body.dry_run,
                now=components.clock.now(),
            )
        except HandProposalRefused as refused:
            raise Problem(status.HTTP_409_CONFLICT, str(refused), kind=refused.kind, **_as_json(refused.members)) from refused
        if not proposal.replayed:
            pair = proposal.hand.pair
            details = {
                "program_id": program_id,
                "participant_ids": [str(pid) for pid in ids],
                "score": pair.score,
                "overridden": list(proposal.hand.overridden),
            }
            if proposal.match is None:
                await audit.record(
                    transaction, principal, cause, "match.propose_by_hand.preview", f"program/{program_id}", **details
                )
            else:
                await audit.record(
                    transaction,
                    principal,
                    cause,
                    "match.propose_by_hand",
                    f"match/{proposal.match.match_id}",
                    **details,
                    with_note=bool(body.note),
                )
    if proposal.match is not None and not proposal.replayed:
        response.status_code = status.HTTP_201_CREATED
    return _proposal_view(proposal, body.dry_run, sees_full_reasons(principal, program))


@router.post(
    "/matches/{match_id}/nudge",
    status_code=status.HTTP_201_CREATED,
    summary="Check in on a formed pair: both are mailed (one nudge a pair in 24 hours)",
    description="An admin, or a coordinator of the pair's campuses. Refused (409, problem `type` ending in the "
    "kind): pair-not-formed, pair-ended, nudged-recently (with `next_allowed_at` and Retry-After).",
    responses=error_responses(403, 404, 409),
)
async def nudge(
    match_id: UUID, body: NudgeRequest, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> NudgeView:
    message = body.message
    async with components.database.transaction(principal.institution) as transaction:
        tenancy = await match_tenancy(transaction.connection, match_id)
        authorize(principal, tenancy, f"match {match_id}", owners_may=False)
        _require_every_campus(principal, tenancy, "nudge this pair")  # type: ignore[arg-type]
        uow = PostgresMatchingUnitOfWork(transaction, components.source, cause)
        try:
            done = await nudge_pair(
                uow,
                PostgresHandPairings(transaction.connection),
                match_id,
                nudged_by=_role(principal),
                message=message,
                now=components.clock.now(),
            )
        except MatchNotFound as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
        except NudgeRefused as refused:
            members = dict(refused.members)
            wait = members.pop("retry_after_seconds", None)
            raise Problem(
                status.HTTP_409_CONFLICT,
                str(refused),
                kind=refused.kind,
                headers={"Retry-After": str(wait)} if wait else None,
                **_as_json(members),
            ) from refused
        await audit.record(
            transaction,
            principal,
            cause,
            "match.nudge",
            f"match/{match_id}",
            nudge_id=str(done.nudge_id),
            dormant=done.dormant,
            with_message=bool(message),
        )
    return _nudge_view(done)


@router.get(
    "/matches/{match_id}/nudges",
    summary="A pair's nudges, newest first (the pair, coordinators, admins)",
    description="Also open to the platform's services: notify reads a nudge's message here for its mail.",
    responses=error_responses(403, 404),
    openapi_extra=OPEN_TO_SERVICES,
)
async def nudges(match_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep) -> list[NudgeView]:
    return [_nudge_view(n) for n in await _read_nudges(components, cause, principal, match_id, None)]


@router.get(
    "/matches/{match_id}/nudges/{nudge_id}",
    summary="One nudge of a pair, with its message",
    responses=error_responses(403, 404),
    openapi_extra=OPEN_TO_SERVICES,
)
async def one_nudge(
    match_id: UUID, nudge_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> NudgeView:
    found = await _read_nudges(components, cause, principal, match_id, nudge_id)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no nudge {nudge_id} of match {match_id}")
    return _nudge_view(found[0])


async def _read_nudges(
    components: Components, cause: Cause, principal: Principal, match_id: UUID, nudge_id: UUID | None
) -> list[Nudge]:
    async with components.database.transaction(principal.institution) as transaction:
        tenancy = await match_tenancy(transaction.connection, match_id)
        authorize(principal, tenancy, f"match {match_id}", services_may=True)
        found = await PostgresHandPairings(transaction.connection).nudges(match_id, nudge_id)
        if any(n.message for n in found):  # a coordinator's words to the pair may name them
            await audit.record_reads(transaction, principal, cause, "nudges", {tenancy.institution: [str(match_id)]})  # type: ignore[union-attr]
    return found


async def _require_coordinating(
    connection: asyncpg.Connection, principal: Principal, program_id: str, participant_ids: tuple[UUID, UUID]
) -> Tenancy:
    """An admin, or a coordinator of the program on the campus of each of the two; never one of them."""
    program = await program_tenancy(connection, program_id, principal.institution)
    if not program.campuses:  # matching has heard of neither the program nor anyone in it
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no program {program_id}")
    authorize(principal, program, f"program {program_id}", owners_may=False)
    for participant_id in dict.fromkeys(participant_ids):
        person = await participant_tenancy(connection, participant_id)
        authorize(principal, person, f"participant {participant_id}", owners_may=False)
        assert person is not None
        if principal.subject in person.owners:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="you may not propose yourself as one of a pair")
        if not principal.is_admin and not principal.coordinates(program_id, person.campuses):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"only an admin or a coordinator of program "
                f"{program_id!r} on campus {', '.join(sorted(person.campuses))} may pair "
                f"participant {participant_id}",
            )
    return program


def _require_every_campus(principal: Principal, pair: Tenancy, action: str) -> None:
    """A pair on two campuses is both campuses' coordinators' to act on; one of the pair never acts as staff on it."""
    if principal.subject in pair.owners:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"one of the pair may not {action}")
    if principal.is_admin:
        return
    if not all(principal.coordinates(pair.program_id or "", {campus}) for campus in pair.campuses):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"only an admin or a coordinator of every campus of the "
            f"pair ({', '.join(sorted(pair.campuses))}) may {action}",
        )


def _as_json(members: dict[str, object]) -> dict[str, object]:
    """A refusal's members as the API writes values (times as its other times), those that are set."""
    return {name: _JSON.dump_python(value, mode="json") for name, value in members.items() if value is not None}


_JSON: TypeAdapter[object] = TypeAdapter(object)


def _role(principal: Principal) -> str:
    return "admin" if principal.is_admin else "coordinator"


def _proposal_view(proposal: HandProposal, dry_run: bool, full_reasons: bool) -> HandProposalView:
    pair, match = proposal.hand.pair, proposal.match
    return HandProposalView(
        dry_run=dry_run,
        program_id=proposal.program_id,
        topic=pair.topic,
        kind=pair.kind,  # type: ignore[arg-type]
        participants=[
            ProposedMember(
                participant_id=person.participant_id,
                display_name=person.profile.display_name,
                role=role,
                campus=person.profile.campus,
            )  # type: ignore[arg-type]
            for person, role in zip(proposal.people, pair.roles, strict=True)
        ],
        score=pair.score,
        parts=list(pair.parts),
        reasons=list(pair.reasons if full_reasons else pair.participant_reasons),
        warnings=[ProposalWarning(code=c.code, detail=c.detail, policy_rule=c.rule) for c in proposal.hand.warnings],
        policy_eligible=proposal.hand.policy_eligible,
        policy_version=proposal.policy_version,
        match_id=match.match_id if match else None,
        expires_at=match.expires_at if match else None,
        replayed=proposal.replayed,
    )


def _nudge_view(nudge: Nudge) -> NudgeView:
    return NudgeView(
        nudge_id=nudge.nudge_id,
        match_id=nudge.match_id,
        program_id=nudge.program_id,
        nudged_by=nudge.nudged_by,
        message=nudge.message,
        dormant=nudge.dormant,  # type: ignore[arg-type]
        nudged_at=nudge.nudged_at,
        next_allowed_at=nudge.nudged_at + NUDGE_INTERVAL,
    )
