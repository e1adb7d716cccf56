"""A coordinator's own hand in pairs, over HTTP: propose two people as a pair (a dry run shows what the
pair would be), and check in on a formed pair (a nudge).

Who may: an admin of the institution, or a coordinator of the program on the campuses of both people
(of the pair's campuses, for a nudge); never one of the pair themself. Anyone else is refused as the
platform refuses everywhere: 404 for what they may not know exists, 403 for what they may see but not
change."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field, StrictBool

from mentoring_contracts import ScorePart
from mentoring_contracts.events.base import trimmed_text
from mesh_matching.adapters.access import (
    match_tenancy,
    require_coordinating_both,
    require_every_campus,
    sees_full_reasons,
    staff_role,
)
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.postgres.hand_pairings import PostgresHandPairings
from mesh_matching.application.coordinator_ports import Nudge
from mesh_matching.application.errors import NudgeNotFound
from mesh_matching.application.nudge_pair import NUDGE_INTERVAL, nudge_pair
from mesh_matching.application.propose_by_hand import HandProposal, propose_by_hand
from mesh_runtime import audit
from mesh_runtime.dependencies import OPEN_TO_SERVICES, PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(tags=["coordinators' pairs"])
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
    note: Words | None = Field(default=None, description="Shown to both with the proposal (at most 500 characters).")  # type: ignore[valid-type]  # an Annotated str made by a function


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
    message: Words | None = Field(default=None, description="Mailed to both (at most 500 characters).")  # type: ignore[valid-type]  # an Annotated str made by a function


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
    program_id: str, body: HandProposalRequest, response: Response, uow: Uow, principal: PrincipalDep
) -> HandProposalView:
    ids = (body.participant_ids[0], body.participant_ids[1])
    program = await require_coordinating_both(uow.connection, principal, program_id, ids)
    proposal = await propose_by_hand(
        uow,
        PostgresHandPairings(uow.connection),
        program_id,
        ids,
        arranged_by=staff_role(principal),
        note=body.note,
        publish=not body.dry_run,
    )
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
                uow.transaction, principal, uow.cause, "match.propose_by_hand.preview", f"program/{program_id}", **details
            )
        else:
            await audit.record(
                uow.transaction,
                principal,
                uow.cause,
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
async def nudge(match_id: UUID, body: NudgeRequest, uow: Uow, principal: PrincipalDep) -> NudgeView:
    tenancy = await match_tenancy(uow.connection, match_id)
    authorize(principal, tenancy, f"match {match_id}", owners_may=False)
    require_every_campus(principal, tenancy, "nudge this pair")  # type: ignore[arg-type]  # authorize refused None
    done = await nudge_pair(
        uow, PostgresHandPairings(uow.connection), match_id, nudged_by=staff_role(principal), message=body.message
    )
    await audit.record(
        uow.transaction,
        principal,
        uow.cause,
        "match.nudge",
        f"match/{match_id}",
        nudge_id=str(done.nudge_id),
        dormant=done.dormant,
        with_message=bool(body.message),
    )
    return _nudge_view(done)


@router.get(
    "/matches/{match_id}/nudges",
    summary="A pair's nudges, newest first (the pair, coordinators, admins)",
    description="Also open to the platform's services: notify reads a nudge's message here for its mail.",
    responses=error_responses(403, 404),
    openapi_extra=OPEN_TO_SERVICES,
)
async def nudges(match_id: UUID, uow: Uow, principal: PrincipalDep) -> list[NudgeView]:
    return [_nudge_view(n) for n in await _read_nudges(uow, principal, match_id, None)]


@router.get(
    "/matches/{match_id}/nudges/{nudge_id}",
    summary="One nudge of a pair, with its message",
    responses=error_responses(403, 404),
    openapi_extra=OPEN_TO_SERVICES,
)
async def one_nudge(match_id: UUID, nudge_id: UUID, uow: Uow, principal: PrincipalDep) -> NudgeView:
    found = await _read_nudges(uow, principal, match_id, nudge_id)
    if not found:
        raise NudgeNotFound(f"no nudge {nudge_id} of match {match_id}")
    return _nudge_view(found[0])


async def _read_nudges(uow: Uow, principal: Principal, match_id: UUID, nudge_id: UUID | None) -> list[Nudge]:
    tenancy = await match_tenancy(uow.connection, match_id)
    authorize(principal, tenancy, f"match {match_id}", services_may=True)
    found = await PostgresHandPairings(uow.connection).nudges(match_id, nudge_id)
    if any(n.message for n in found):  # a coordinator's words to the pair may name them
        await audit.record_reads(
            uow.transaction,
            principal,
            uow.cause,
            "nudges",
            {tenancy.institution: [str(match_id)]},  # type: ignore[union-attr]  # authorize refused None
        )
    return found


def _proposal_view(proposal: HandProposal, dry_run: bool, full_reasons: bool) -> HandProposalView:
    pair, match = proposal.hand.pair, proposal.match
    return HandProposalView(
        dry_run=dry_run,
        program_id=proposal.program_id,
        topic=pair.topic,
        kind=pair.kind,  # type: ignore[arg-type]  # a pair's kind is one of the two
        participants=[
            ProposedMember(
                participant_id=person.participant_id,
                display_name=person.profile.display_name,
                role=role,  # type: ignore[arg-type]  # roles come from topics, which name only these
                campus=person.profile.campus,
            )
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
        nudged_by=nudge.nudged_by,  # type: ignore[arg-type]  # written as staff_role gives it
        message=nudge.message,
        dormant=nudge.dormant,
        nudged_at=nudge.nudged_at,
        next_allowed_at=nudge.nudged_at + NUDGE_INTERVAL,
    )
