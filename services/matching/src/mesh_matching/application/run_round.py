"""Use case: a coordinator runs a matching round over a program's unmatched pool, as a dry run
(a preview) or for real (a MatchProposed per pair)."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, cast
from uuid import UUID

from mesh_matching.application.places import propose_all
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.rounds.modes import PLANNING, Objective, RoundMode, places_for
from mesh_matching.domain.scoring import MatchingPolicy, reference_week

if TYPE_CHECKING:  # the planning (numpy, numba, scipy) loads on the first round, never with the service
    from mesh_matching.domain.rounds.plan import RoundPlan

CAPACITY_CHANGED = "a place was taken while the round ran; run another round"


@dataclass
class RoundOutcome:
    plan: "RoundPlan"
    pool_size: int
    mode: str
    proposed: list[UUID] = field(default_factory=list)
    unmatched: dict[UUID, str] = field(default_factory=dict)


async def run_round(
    uow: MatchingUnitOfWork,
    program_id: str,
    mode: RoundMode | None,
    objective: Objective,
    publish: bool,
    policy: MatchingPolicy | None = None,
) -> RoundOutcome:
    """Under the program's current policy unless one is given; refused (NotProposing) in a closed
    program, or one whose participants choose their partners only."""
    now = uow.clock.now()
    (await uow.programs.standing(program_id)).require_rounds()
    policy = policy or (await uow.policies.current(program_id))[1]
    mode = cast(RoundMode, mode or policy.mode)  # a policy's mode is one a round takes
    pool, rooms = await uow.candidates.round_columns(program_id)
    places = [
        places_for(roles, capacity, room, mode)
        for roles, capacity, room in zip(pool.roles, pool.mentor_capacities, rooms, strict=True)
    ]
    excluded = await uow.matches.excluded_among(pool.participant_ids)
    week = reference_week(now)
    await asyncio.to_thread(import_module, PLANNING)  # the first round loads the kernels, off the event loop
    from mesh_matching.domain.rounds.plan import plan_round
    from mesh_matching.domain.rounds.planned_scores import planned_scores

    plan = await asyncio.to_thread(plan_round, pool, places, excluded, mode, objective, policy, week)
    outcome = RoundOutcome(plan, len(pool), mode, unmatched=dict(plan.unmatched))
    if not publish:
        return outcome
    taken = Counter(pid for planned in plan.pairs for pid in (planned.first.participant_id, planned.second.participant_id))
    # The places are taken while the pairs' parts and reasons are read from the round (score_pair's, exactly).
    reserving = asyncio.ensure_future(uow.candidates.reserve_round(dict(taken)))
    try:
        scores = await asyncio.to_thread(planned_scores, plan, policy)
    finally:
        reserved = await reserving  # the usual case: nobody's room changed since the pool was read
    scored = [(planned.first, planned.second, pair) for planned, pair in zip(plan.pairs, scores, strict=True)]
    if reserved:
        outcome.proposed.extend(match.match_id for match in await propose_all(uow, scored, now))
        return outcome
    for first, second, pair in scored:  # someone's room changed since the pool was read: pair by pair
        if not await uow.candidates.reserve(first.participant_id):
            outcome.unmatched[first.participant_id] = outcome.unmatched[second.participant_id] = CAPACITY_CHANGED
            continue
        if not await uow.candidates.reserve(second.participant_id):
            await uow.candidates.release(first.participant_id)
            outcome.unmatched[first.participant_id] = outcome.unmatched[second.participant_id] = CAPACITY_CHANGED
            continue
        [match] = await propose_all(uow, [(first, second, pair)], now)
        outcome.proposed.append(match.match_id)
    return outcome
