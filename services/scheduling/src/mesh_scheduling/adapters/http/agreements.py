"""A formed pair's agreement: propose a version, confirm it, read them and the goals' progress."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from mentoring_contracts.events.base import plain_text
from mentoring_contracts.events.participants import Cadence, MeetingMode
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Decision, Principal, decide
from mesh_scheduling.adapters.access import pair_tenancy, require_member_as_themself
from mesh_scheduling.adapters.http import queries
from mesh_scheduling.adapters.http.dependencies import Uow
from mesh_scheduling.application.agree import confirm_agreement, propose_agreement
from mesh_scheduling.domain.agreement import Agreement, Goal, Terms

router: APIRouter = APIRouter(tags=["agreements"])
ERRORS = error_responses(403, 409)
Expectation = plain_text(500)  # one line, as long as a goal at most


class GoalBody(BaseModel):
    description: str = Field(min_length=1, max_length=500, description="The goal, in the pair's words.")
    target_date: date | None = Field(default=None, description="By when, if they set a date.")


class ProposalBody(BaseModel):
    participant_id: UUID = Field(description="Who proposes: one of the pair, acting as themself.")
    goals: list[GoalBody] = Field(min_length=1, max_length=20)
    expectations: list[Expectation] = Field(  # type: ignore[valid-type]  # an Annotated str made by a function
        default_factory=list,
        max_length=20,
        description="How they work together, in their words: each one line of at most 500 characters.",
    )
    cadence: Cadence
    meeting_mode: MeetingMode
    session_minutes: int = Field(default=60, ge=15, le=240, description="Length of each session.")
    runs_until: date | None = Field(default=None, description="The last day the mentorship runs; none: open-ended.")


class ConfirmationBody(BaseModel):
    participant_id: UUID = Field(description="The other one of the pair, acting as themself.")


class GoalProgressView(BaseModel):
    session_id: UUID
    participant_id: UUID
    goal: int
    percent: int
    recorded_at: datetime


class AgreementView(ProposalBody):
    # Shown as stored: versions proposed before expectations were bounded must still be read.
    expectations: list[str] = Field(description="How they work together, in their words.")
    match_id: UUID
    version: int
    status: Literal["proposed", "confirmed", "superseded"]
    proposed_at: datetime
    confirmed_by: UUID | None
    confirmed_at: datetime | None

    @classmethod
    def of(cls, agreement: Agreement) -> "AgreementView":
        terms = agreement.terms
        return cls(
            match_id=agreement.match_id,
            version=agreement.version,
            status=agreement.status.value,
            participant_id=agreement.proposed_by,
            proposed_at=agreement.proposed_at,
            confirmed_by=agreement.confirmed_by,
            confirmed_at=agreement.confirmed_at,
            goals=[GoalBody(description=g.description, target_date=g.target_date) for g in terms.goals],
            expectations=list(terms.expectations),
            cadence=terms.cadence,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
            meeting_mode=terms.meeting_mode,  # type: ignore[arg-type]  # a Literal in the contract, a plain str in the domain
            session_minutes=terms.session_minutes,
            runs_until=terms.runs_until,
        )


class AgreementsView(BaseModel):
    versions: list[AgreementView] = Field(description="Every version, oldest first; `confirmed` is the one that holds.")
    goal_progress: list[GoalProgressView]


@router.post(
    "/matches/{match_id}/agreements",
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
    summary="Propose a version of the pair's agreement (one of a formed pair); the other confirms it",
)
async def propose(match_id: UUID, body: ProposalBody, uow: Uow, principal: PrincipalDep) -> AgreementView:
    terms = Terms(
        goals=tuple(Goal(g.description, g.target_date) for g in body.goals),
        expectations=tuple(body.expectations),
        cadence=body.cadence,
        meeting_mode=body.meeting_mode,
        session_minutes=body.session_minutes,
        runs_until=body.runs_until,
    )
    await _require_member(uow, principal, match_id, body.participant_id)
    agreement = await propose_agreement(uow, match_id, terms, body.participant_id)
    await audit.record_if_privileged(uow.transaction, principal, uow.cause, "agreement.propose", f"match/{match_id}")
    return AgreementView.of(agreement)


@router.post(
    "/matches/{match_id}/agreements/{version}/confirm",
    responses=ERRORS,
    summary="Confirm a proposed version (the other one of the pair): from then it holds",
)
async def confirm(match_id: UUID, version: int, body: ConfirmationBody, uow: Uow, principal: PrincipalDep) -> AgreementView:
    await _require_member(uow, principal, match_id, body.participant_id)
    agreement = await confirm_agreement(uow, match_id, version, body.participant_id)
    await audit.record_if_privileged(uow.transaction, principal, uow.cause, "agreement.confirm", f"match/{match_id}")
    return AgreementView.of(agreement)


@router.get(
    "/matches/{match_id}/agreements",
    responses=error_responses(403),
    summary="A pair's agreement, every version, and the progress on its goals (the pair, coordinators, admins)",
)
async def agreements(match_id: UUID, uow: Uow, principal: PrincipalDep) -> AgreementsView:
    pair = await pair_tenancy(uow.connection, match_id)
    if pair is None or decide(principal, pair) is Decision.HIDDEN:
        return AgreementsView(versions=[], goal_progress=[])  # the same answer as for a pair not formed yet
    authorize(principal, pair, f"match {match_id}")
    view = await read_agreements(uow.connection, match_id)
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "agreements",  # goals and expectations: their words
        {pair.institution: [str(match_id)]},
    )
    return view


async def read_agreements(connection: asyncpg.Connection, match_id: UUID) -> AgreementsView:
    """A pair's agreement, every version, and the progress on its goals (the caller checked who may read it)."""
    versions = await queries.agreement_versions(connection, match_id)
    progress = await queries.goal_progress(connection, match_id)
    return AgreementsView(
        versions=[AgreementView.of(version) for version in versions],
        goal_progress=[
            GoalProgressView(
                session_id=row["session_id"],
                participant_id=row["participant_id"],
                goal=row["goal_number"],
                percent=row["percent"],
                recorded_at=row["recorded_at"],
            )
            for row in progress
        ],
    )


async def _require_member(uow: Uow, principal: Principal, match_id: UUID, participant_id: UUID) -> None:
    """The caller acts for a pair of their own, as themself (an admin may for them)."""
    authorize(principal, await pair_tenancy(uow.connection, match_id), f"match {match_id}", coordinators_may=False)
    await require_member_as_themself(uow.connection, principal, match_id, participant_id)
