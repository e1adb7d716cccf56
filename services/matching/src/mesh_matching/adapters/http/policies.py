"""A coordinator sets each program's matching policy; every change is a new version."""

import dataclasses
from datetime import datetime
from typing import Literal, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from mesh_matching.adapters.access import program_tenancy, require_whole_program
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.domain.scoring import MatchingPolicy
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses

router: APIRouter = APIRouter(tags=["policies"])
Criterion = Literal[
    "experiences", "goals", "challenges", "interests", "languages", "availability", "campus", "meeting_mode", "cadence"
]
DEFAULT = MatchingPolicy()


class Policy(BaseModel):
    """Weights per criterion (0 = ignored), hard rules, and the program's round mode; every number finite."""

    # NaN passes no comparison, so "weights are 0 or more" would let it through to the jsonb write.
    model_config = ConfigDict(allow_inf_nan=False)

    weights: dict[Criterion, float] = Field(default_factory=lambda: dict(DEFAULT.weights))  # type: ignore[arg-type]  # the default's keys are the criteria
    min_overlap_hours: float = Field(default=DEFAULT.min_overlap_hours, ge=0, le=40)
    full_overlap_hours: float = Field(
        default=DEFAULT.full_overlap_hours, gt=0, le=40, description="Shared hours a week that count as a perfect fit."
    )
    same_campus_required: StrictBool = False  # strict: a rule is switched by true or false, not by 0 or "no"
    shared_language_required: StrictBool = True
    max_time_zone_gap_hours: float | None = Field(default=None, ge=0, le=26)
    must_match: Literal["experiences", "goals", "challenges", "interests"] | None = Field(
        default=None, description="An attribute in which every pair must share at least one item."
    )
    mode: Literal["mentor_mentee", "peer"] = "mentor_mentee"

    @model_validator(mode="after")
    def _scores_something(self) -> Self:
        if any(weight < 0 for weight in self.weights.values()):
            raise ValueError("weights are 0 or more")
        if not any(weight > 0 for weight in self.weights.values()):
            raise ValueError("at least one criterion needs a weight above 0")
        return self


class VersionedPolicy(BaseModel):
    program_id: str
    version: int = Field(description="0 is the platform default, never set by a coordinator.")
    policy: Policy
    set_at: datetime | None = None


def _model(policy: MatchingPolicy) -> Policy:
    return Policy(**dataclasses.asdict(policy))


ERRORS = error_responses(403, 404)


@router.get(
    "/programs/{program_id}/policy", summary="The program's current matching policy (its coordinators, admins)", responses=ERRORS
)
async def current(program_id: str, uow: Uow, principal: PrincipalDep) -> VersionedPolicy:
    authorize(
        principal,
        await program_tenancy(uow.connection, program_id, principal.institution),
        f"program {program_id}",
        owners_may=False,
    )
    version, policy = await uow.policies.current(program_id)
    return VersionedPolicy(program_id=program_id, version=version, policy=_model(policy))


@router.put(
    "/programs/{program_id}/policy",
    summary="Set the program's matching policy (a new version)",
    description="Coordinators of every campus the program spans, or admins of its institution.",
    responses=ERRORS,
)
async def set_policy(program_id: str, body: Policy, uow: Uow, principal: PrincipalDep) -> VersionedPolicy:
    await require_whole_program(uow.connection, principal, program_id, "set its matching policy")
    version = await uow.policies.set(program_id, MatchingPolicy(**body.model_dump()))
    await audit.record(
        uow.transaction,
        principal,
        uow.cause,
        "policy.set",
        f"program/{program_id}",
        version=version,
        policy=body.model_dump(mode="json"),
    )
    return VersionedPolicy(program_id=program_id, version=version, policy=body)


@router.get("/programs/{program_id}/policy/versions", summary="Every version of the program's policy", responses=ERRORS)
async def versions(program_id: str, uow: Uow, principal: PrincipalDep) -> list[VersionedPolicy]:
    authorize(
        principal,
        await program_tenancy(uow.connection, program_id, principal.institution),
        f"program {program_id}",
        owners_may=False,
    )
    history = await uow.policies.history(program_id)
    return [VersionedPolicy(program_id=program_id, version=v, policy=_model(p), set_at=at) for v, p, at in history]
