"""Round previews: a coordinator previews a round as a job (under the current policy, or a candidate
one), watches its progress, reads its report, and publishes exactly the pairs previewed.

Every route is for the admins of the program's institution and the coordinators of every campus it
spans (``require_whole_program``): a preview names people of all of them."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from mentoring_contracts import ScorePart
from mesh_matching.adapters.access import require_whole_program
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.http.policies import Policy
from mesh_matching.adapters.http.rounds import RoundReport, Unmatched
from mesh_matching.adapters.peers import peers_of
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.adapters.postgres.round_previews import PostgresRoundPreviews
from mesh_matching.application.errors import PreviewNotFound, PreviewStale
from mesh_matching.application.preview_round import begin_preview
from mesh_matching.application.publish_round import publish_preview
from mesh_matching.domain.round_preview import UNMATCHED_SHOWN, Phase, Status, stale_because
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week, score_pair
from mesh_runtime import audit
from mesh_runtime.dependencies import CauseDep, ComponentsDep, PrincipalDep, error_responses
from mesh_runtime.identity import Principal

router: APIRouter = APIRouter(tags=["rounds"])


class PreviewRequest(BaseModel):
    mode: Literal["mentor_mentee", "peer"] | None = Field(
        default=None, description="Mentors with mentees (capacities), or peers; default: the policy's mode."
    )
    objective: Literal["score", "coverage"] = Field(
        default="score", description="Maximise the total score, or match as many people as possible first."
    )
    policy: Policy | None = Field(
        default=None,
        description="A candidate policy (what PUT /programs/{id}/policy takes) to "
        "plan under without saving it; default: the program's current policy.",
    )


class Member(BaseModel):
    participant_id: UUID
    display_name: str | None = Field(description="As they are shown now; None if unknown.")
    role: str


class Example(BaseModel):
    rank: Literal["best", "median", "lowest"]
    topic: str
    kind: Literal["mentor_mentee", "peer"]
    participants: list[Member] = Field(description="The mentee (or first peer), then the mentor (or second peer).")
    score: float
    parts: list[ScorePart]
    reasons: list[str] = Field(description="In full, as a proposal gives them to coordinators (empty once either is erased).")


class UnmatchedPerson(Unmatched):
    display_name: str | None = None


class PreviewReport(RoundReport):
    unmatched: list[UnmatchedPerson] = Field(  # type: ignore[assignment]  # each an Unmatched, with a name
        description=f"The first {UNMATCHED_SHOWN} left unmatched, in join order, with the reason."
    )
    unmatched_count: int = Field(description="Everyone left unmatched.")
    examples: list[Example] = Field(description="The 5 best pairs, the 5 around the median and the 5 lowest (each once).")


class PreviewView(BaseModel):
    preview_id: UUID
    program_id: str
    status: Status = Field(
        description="running; ready; failed; published; stale (the pool or policy changed since: "
        "preview again); interrupted (its process stopped: preview again)."
    )
    phase: Phase
    done: int = Field(description="Progress within the phase: people (reading, scoring) or solving passes.")
    total: int
    started_at: datetime
    finished_at: datetime | None
    mode: Literal["mentor_mentee", "peer"]
    objective: Literal["score", "coverage"]
    policy: Literal["current", "candidate"]
    policy_version: int = Field(description="The program's current policy version when previewed (0: the default).")
    candidate_policy: Policy | None = Field(description="The candidate policy it was planned under, if any.")
    report: PreviewReport | None = Field(description="Once ready (not in the list of previews).")
    published_match_ids: list[UUID]
    published_at: datetime | None
    error: str | None = Field(description="Why it failed, was interrupted, or went stale.")


ERRORS = error_responses(403, 404, 409)


STARTED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Started: read it at Location.",
        "headers": {
            "Location": {
                "description": "The preview: /programs/{program_id}/round-previews/{preview_id}.",
                "schema": {"type": "string"},
            }
        },
    }
}


@router.post(
    "/programs/{program_id}/round-previews",
    status_code=status.HTTP_202_ACCEPTED,
    responses=STARTED | ERRORS,
    summary="Preview a round as a job (under the current policy, or a candidate one)",
    description="Answers at once; read its progress and report at the Location given. One preview runs at "
    "a time per program (409 preview-running, with its preview_id).",
)
async def start_preview(
    program_id: str, body: PreviewRequest, response: Response, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> PreviewView:
    """Opens its own transaction: the preview's job is launched once its row is committed."""
    preview_id = uuid4()
    async with components.database.transaction(principal.institution) as transaction:
        uow = PostgresMatchingUnitOfWork.of(transaction, cause, components)
        await require_whole_program(uow.connection, principal, program_id, "preview its rounds")
        store = PostgresRoundPreviews(uow.connection)
        candidate = MatchingPolicy(**body.policy.model_dump()) if body.policy else None
        order, version = await begin_preview(uow, store, preview_id, program_id, body.mode, body.objective, candidate)
        await audit.record(
            uow.transaction,
            principal,
            cause,
            "round.preview",
            f"program/{program_id}",
            preview_id=str(preview_id),
            mode=order.mode,
            objective=order.objective,
            policy="candidate" if body.policy else "current",
            policy_version=version,
            candidate_policy=body.policy.model_dump(mode="json") if body.policy else None,
        )
        row = await store.get(program_id, preview_id)
        assert row is not None, "just begun"
    peers_of(components).previews.launch(principal.institution, preview_id, order, cause)
    response.headers["Location"] = f"/programs/{program_id}/round-previews/{preview_id}"
    return _view(row, row["shown_status"])


@router.get(
    "/programs/{program_id}/round-previews",
    responses=error_responses(403, 404),
    summary="The program's latest round previews, newest first (without reports)",
    description="A ready preview shows stale here once the program's policy changed; whether the pool did "
    "is checked when one preview is read, and when it is published.",
)
async def latest_previews(
    program_id: str, uow: Uow, principal: PrincipalDep, limit: int = Query(default=10, ge=1, le=20)
) -> list[PreviewView]:
    await require_whole_program(uow.connection, principal, program_id, "read its round previews")
    rows = await PostgresRoundPreviews(uow.connection).latest(program_id, limit)
    version, _ = await uow.policies.current(program_id)
    return [
        _view(
            row,
            "stale"
            if row["shown_status"] == "ready" and not row["candidate"] and row["policy_version"] != version
            else row["shown_status"],
        )
        for row in rows
    ]


@router.get(
    "/programs/{program_id}/round-previews/{preview_id}",
    responses=error_responses(403, 404),
    summary="A round preview: its progress, then its report with example pairs and their reasons",
    description="A ready preview reads stale once the program's pool or policy changed since (publishing would be refused).",
)
async def read_preview(program_id: str, preview_id: UUID, uow: Uow, principal: PrincipalDep) -> PreviewView:
    await require_whole_program(uow.connection, principal, program_id, "read its round previews")
    return await _detail(uow, principal, program_id, preview_id)


@router.post(
    "/programs/{program_id}/round-previews/{preview_id}/publish",
    responses=ERRORS,
    summary="Publish exactly the pairs previewed (a MatchProposed each)",
    description="Only a ready preview under the current policy, while the program's pool and policy are as "
    "they were: else 409 preview-not-ready, candidate-policy, preview-stale (preview again) or "
    "program-not-proposing. Publishing again answers the published preview.",
)
async def publish(
    program_id: str, preview_id: UUID, components: ComponentsDep, cause: CauseDep, principal: PrincipalDep
) -> PreviewView:
    """Opens its own transaction: a preview found stale is marked so, and that is committed before
    the refusal is answered (every other refusal rolls back, as any route's)."""
    stale: PreviewStale | None = None
    async with components.database.transaction(principal.institution) as transaction:
        uow = PostgresMatchingUnitOfWork.of(transaction, cause, components)
        await require_whole_program(uow.connection, principal, program_id, "publish its rounds")
        try:
            match_ids, proposed_now = await publish_preview(uow, PostgresRoundPreviews(uow.connection), program_id, preview_id)
        except PreviewStale as refused:
            stale = refused
        else:
            if proposed_now:  # publishing again changed nothing
                await audit.record(
                    uow.transaction,
                    principal,
                    cause,
                    "round.publish",
                    f"program/{program_id}",
                    preview_id=str(preview_id),
                    proposed=len(match_ids),
                )
            return await _detail(uow, principal, program_id, preview_id)
    assert stale is not None
    raise stale


async def _detail(uow: PostgresMatchingUnitOfWork, principal: Principal, program_id: str, preview_id: UUID) -> PreviewView:
    store = PostgresRoundPreviews(uow.connection)
    row = await store.get(program_id, preview_id)
    if row is None:
        raise PreviewNotFound(f"no round preview {preview_id} in program {program_id!r}")
    shown = row["shown_status"]
    if shown == "ready":
        version, _ = await uow.policies.current(program_id)
        if stale_because(
            candidate=row["candidate"],
            version_then=row["policy_version"],
            version_now=version,
            digest_then=row["pool_digest"],
            digest_now=await store.pool_digest(program_id),
        ):
            shown = "stale"
    report = row["report"]
    if report is None:
        return _view(row, shown)
    named = {UUID(e[side]) for e in report["examples"] for side in ("first", "second")}
    named |= {UUID(u["participant_id"]) for u in report["unmatched"]}
    people = {c.participant_id: c for c in await store.candidates(sorted(named))}
    # Coordinators reading names and reasons (people's own words) is audited, as reading a match is.
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        f"round-previews/{preview_id}",
        {principal.institution: [str(pid) for pid in sorted(named)]},
    )
    policy, week = MatchingPolicy(**row["policy"]), reference_week(row["started_at"])

    def name(pid: UUID) -> str | None:
        return people[pid].profile.display_name if pid in people else None

    def example(e: dict) -> Example:
        first, second = UUID(e["first"]), UUID(e["second"])
        pair = score_pair(people[first], people[second], policy, week) if first in people and second in people else None
        return Example(
            rank=e["rank"],
            topic=e["topic"],
            kind=e["kind"],
            score=e["score"],
            parts=e["parts"],
            participants=[
                Member(participant_id=pid, display_name=name(pid), role=role)
                for pid, role in zip((first, second), e["roles"], strict=True)
            ],
            reasons=list(pair.reasons) if isinstance(pair, PairScore) else [],
        )

    shown_report = PreviewReport.model_validate(
        {
            **report,
            "examples": [example(e) for e in report["examples"]],
            "unmatched": [
                UnmatchedPerson(
                    participant_id=u["participant_id"], reason=u["reason"], display_name=name(UUID(u["participant_id"]))
                )
                for u in report["unmatched"]
            ],
        }
    )
    return _view(row, shown, shown_report)


def _view(row: asyncpg.Record, shown: str, report: PreviewReport | None = None) -> PreviewView:
    return PreviewView(
        preview_id=row["preview_id"],
        program_id=row["program_id"],
        status=shown,  # type: ignore[arg-type]  # one of the statuses the store shows
        phase=row["phase"],
        done=row["done"],
        total=row["total"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        mode=row["mode"],
        objective=row["objective"],
        policy="candidate" if row["candidate"] else "current",
        policy_version=row["policy_version"],
        candidate_policy=Policy(**row["policy"]) if row["candidate"] else None,
        report=report,
        published_match_ids=row["published_match_ids"],
        published_at=row["published_at"],
        error=row["error"],
    )
