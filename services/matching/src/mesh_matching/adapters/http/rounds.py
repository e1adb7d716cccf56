"""The coordinator's round endpoint: preview a round, or run it."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictBool

from mesh_matching.adapters.access import require_whole_program
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.application.run_round import run_round
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, error_responses

router: APIRouter = APIRouter(tags=["rounds"])


class RoundRequest(BaseModel):
    mode: Literal["mentor_mentee", "peer"] | None = Field(
        default=None, description="Mentors with mentees (capacities), or peers; default: the program policy's mode."
    )
    objective: Literal["score", "coverage"] = Field(
        default="score", description="Maximise the total score, or match as many people as possible first."
    )
    # Strict: a lax 0 or "no" read as false would run a real round when a preview was meant.
    dry_run: StrictBool = Field(default=True, description="Preview only; nothing is proposed.")


class Unmatched(BaseModel):
    participant_id: UUID
    reason: str


class RoundReport(BaseModel):
    program_id: str
    mode: str
    objective: str
    dry_run: bool
    pool_size: int = Field(description="Active participants with room left.")
    pairs: int
    people_matched: int
    total_score: float
    mean_score: float | None
    lowest_score: float | None
    upper_bound: float = Field(description="No round over this pool can score more.")
    optimal: bool = Field(description="Proven optimal over the candidate graph.")
    distribution: dict[str, int] = Field(description="Pairs per tenth of score.")
    unmatched: list[Unmatched]
    proposed_match_ids: list[UUID]


@router.post(
    "/programs/{program_id}/rounds",
    summary="Preview or run a matching round over a program's pool",
    description="Coordinators of every campus the program spans, or admins of its institution. Refused "
    "(409) in a closed program, or one whose participants choose their partners only.",
    responses=error_responses(403, 404, 409),
)
async def round_for_program(program_id: str, request: RoundRequest, uow: Uow, principal: PrincipalDep) -> RoundReport:
    await require_whole_program(uow.connection, principal, program_id, "preview or run its rounds")
    outcome = await run_round(uow, program_id, request.mode, request.objective, not request.dry_run)
    await audit.record(
        uow.transaction,
        principal,
        uow.cause,
        "round.preview" if request.dry_run else "round.run",
        f"program/{program_id}",
        mode=outcome.mode,
        objective=request.objective,
        pool_size=outcome.pool_size,
        pairs=len(outcome.plan.pairs),
        proposed=len(outcome.proposed),
    )
    scores = [p.score for p in outcome.plan.pairs]
    return RoundReport(
        program_id=program_id,
        mode=outcome.mode,
        objective=request.objective,
        dry_run=request.dry_run,
        pool_size=outcome.pool_size,
        pairs=len(scores),
        people_matched=2 * len(scores),
        total_score=outcome.plan.total_score,
        mean_score=round(sum(scores) / len(scores), 4) if scores else None,
        lowest_score=min(scores) if scores else None,
        upper_bound=outcome.plan.upper_bound,
        optimal=outcome.plan.optimal,
        distribution=outcome.plan.distribution(),
        unmatched=[Unmatched(participant_id=pid, reason=reason) for pid, reason in outcome.unmatched.items()],
        proposed_match_ids=outcome.proposed,
    )
