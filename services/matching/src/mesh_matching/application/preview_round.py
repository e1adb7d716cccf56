"""Use case: a coordinator previews a round as a job that reports its progress: the pool read a
page at a time, then planned off the event loop (a pool of thousands takes seconds), with the
same planning as a dry run of ``run_round`` gives for the same pool, policy and mode.

What is kept is what publishing needs (the pairs' ids and a digest of the pool they were planned
over) and what a coordinator reads (the round's figures and a few example pairs, as ids, scores
and parts): never anyone's words, which are read from the candidates when shown."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, cast
from uuid import UUID

from mesh_matching.application.coordinator_ports import PreviewLedger, PreviewPool
from mesh_matching.application.errors import PreviewRunning
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.round_preview import PoolMember, PreviewOrder, example_pairs, pool_digest
from mesh_matching.domain.rounds.modes import PLANNING, Objective, RoundMode, places_in_round
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week, score_pair

if TYPE_CHECKING:  # the planning (numpy, numba, scipy) loads on the first preview, never with the service
    from mesh_matching.domain.rounds.plan import RoundPlan

__all__ = ["Preview", "PreviewOrder", "begin_preview", "plan_preview", "read_pool"]
PAGE = 500  # people read (and progress told) at a time
Progress = Callable[[str, int, int], None]  # (phase, done, total); may be called from the planning thread


async def begin_preview(
    uow: MatchingUnitOfWork,
    ledger: PreviewLedger,
    preview_id: UUID,
    program_id: str,
    mode: RoundMode | None,
    objective: Objective,
    candidate_policy: MatchingPolicy | None,
) -> tuple[PreviewOrder, int]:
    """A preview recorded as running, under the candidate policy if one is given, else the program's
    current one (its version is returned); the caller runs its job once this is committed. Refused
    (NotProposing) in a closed program, or one whose participants choose their partners only, and
    (PreviewRunning) while another preview of the program runs."""
    (await uow.programs.standing(program_id)).require_rounds()
    version, current = await uow.policies.current(program_id)
    policy = candidate_policy or current
    order = PreviewOrder(program_id, cast(RoundMode, mode or policy.mode), objective, policy, uow.clock.now())
    assert uow.institution is not None, "a preview is asked for within an institution"
    running = await ledger.begin(uow.institution, preview_id, order, candidate_policy is not None, version)
    if running is not None:
        raise PreviewRunning(f"a preview of {program_id!r} is running; wait for it", preview_id=str(running))
    return order, version


@dataclass(frozen=True)
class PoolSnapshot:
    pool: list[Candidate]
    places: list[int]
    excluded: set[tuple[UUID, UUID]]
    digest: str


@dataclass(frozen=True)
class Example:
    first: UUID
    second: UUID
    rank: str  # best, median or lowest
    pair: PairScore


@dataclass(frozen=True)
class Preview:
    plan: "RoundPlan"
    pool_size: int
    digest: str
    examples: list[Example]


async def read_pool(uow: MatchingUnitOfWork, store: PreviewPool, order: PreviewOrder, progress: Progress) -> PoolSnapshot:
    """The program's pool, a page at a time. Refused (NotProposing) in a closed program, or one whose
    participants choose their partners only. The digest is of what was read: a profile changed
    between the list and its page is planned and digested as read then."""
    (await uow.programs.standing(order.program_id)).require_rounds()
    members = list(await store.members(order.program_id))
    progress("reading", 0, len(members))
    pool: list[Candidate] = []
    for start in range(0, len(members), PAGE):
        page = members[start : start + PAGE]
        found = {c.participant_id: c for c in await store.candidates([m.participant_id for m in page])}
        pool.extend(found[m.participant_id] for m in page if m.participant_id in found)
        progress("reading", start + len(page), len(members))
    rooms = {m.participant_id: m.room for m in members}
    places = [places_in_round(candidate, rooms[candidate.participant_id], order.mode) for candidate in pool]
    digest = pool_digest(PoolMember(c.participant_id, c.version, rooms[c.participant_id]) for c in pool)  # type: ignore[arg-type]  # read from the store: each has its version
    excluded = await uow.matches.excluded_among([c.participant_id for c in pool])
    return PoolSnapshot(pool, places, excluded, digest)


async def plan_preview(snapshot: PoolSnapshot, order: PreviewOrder, progress: Progress) -> Preview:
    """The round planned in a thread (the event loop keeps serving, and the job keeps its heartbeat),
    scoring told per pool member, then solving per pass; then the example pairs, scored as a
    proposal scores them."""
    size = len(snapshot.pool)

    def told(phase: str, done: int, total: int) -> None:
        if phase == "scoring":  # rows of scoring tasks, told as people of the pool
            progress(phase, size * done // total if total else size, size)
        else:
            progress(phase, done, total)

    progress("scoring", 0, size)
    week = reference_week(order.now)
    await asyncio.to_thread(import_module, PLANNING)  # the first preview loads the kernels, off the event loop
    from mesh_matching.domain.rounds.plan import plan_round

    plan = await asyncio.to_thread(
        plan_round, snapshot.pool, snapshot.places, snapshot.excluded, order.mode, order.objective, order.policy, week, told
    )
    examples = []
    for index, rank in example_pairs([planned.score for planned in plan.pairs]):
        first, second = (snapshot.pool[at] for at in plan.pairs[index].at)
        pair = score_pair(first, second, order.policy, week)
        assert isinstance(pair, PairScore), "the round only pairs eligible people"
        examples.append(Example(first.participant_id, second.participant_id, rank, pair))
    return Preview(plan, size, snapshot.digest, examples)
