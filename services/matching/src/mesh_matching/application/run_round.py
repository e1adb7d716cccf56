"""Use case: a coordinator runs a matching round over a program's unmatched pool, as a dry run
(a preview) or for real (a MatchProposed per pair)."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, cast
from uuid import UUID

from mesh_matching.application.places import propose, propose_all
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.rounds.modes import PLANNING, Objective, RoundMode, places_in_round
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week, score_pair

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
    rows = await uow.candidates.round_pool(program_id)
    pool = [candidate for candidate, _ in rows]
    places = [places_in_round(candidate, room, mode) for candidate, room in rows]
    excluded = await uow.matches.excluded_among([c.participant_id for c in pool])
    week = reference_week(now)
    await asyncio.to_thread(import_module, PLANNING)  # the first round loads the kernels, off the event loop
    from mesh_matching.domain.rounds.plan import plan_round

    plan = await asyncio.to_thread(plan_round, pool, places, excluded, mode, objective, policy, week)
    outcome = RoundOutcome(plan, len(pool), mode, unmatched=dict(plan.unmatched))
    if not publish:
        return outcome
    scored = []
    for planned in plan.pairs:
        pair = score_pair(planned.first, planned.second, policy, week)
        assert isinstance(pair, PairScore), "the round only pairs eligible people"
        scored.append((planned.first, planned.second, pair))
    taken = Counter(pid for first, second, _ in scored for pid in (first.participant_id, second.participant_id))
    if await uow.candidates.reserve_all(dict(taken)):  # the usual case: nobody's room changed meanwhile
        outcome.proposed.extend(match.match_id for match in await propose_all(uow, scored, now))
        return outcome
    for planned in plan.pairs:  # someone's room changed since the pool was read: pair by pair
        first, second = planned.first, planned.second
        pair = score_pair(first, second, policy, week)
        assert isinstance(pair, PairScore), "the round only pairs eligible people"
        if not await uow.candidates.reserve(first.participant_id):
            outcome.unmatched[first.participant_id] = outcome.unmatched[second.participant_id] = CAPACITY_CHANGED
            continue
        if not await uow.candidates.reserve(second.participant_id):
            await uow.candidates.release(first.participant_id)
            outcome.unmatched[first.participant_id] = outcome.unmatched[second.participant_id] = CAPACITY_CHANGED
            continue
        match = await propose(uow, first, second, pair, now)
        outcome.proposed.append(match.match_id)
    return outcome
