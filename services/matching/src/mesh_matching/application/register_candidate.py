"""Use case: participants joined; remember them and propose each their best partners, as many as they
have places. A run of joins (a consumer's batch) is handled as a set: one lock and one policy per
program, one insert, one read of each program's open pool, and the proposals written together, equal
to those of the joins handled one by one in order (``planned_places``)."""

from collections.abc import Sequence
from uuid import UUID

from mentoring_contracts import Event
from mesh_matching.application.places import fill_places
from mesh_matching.application.planned_places import PlannedPlaces
from mesh_matching.application.ports import Cause, MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.scoring import MatchingPolicy, reference_week


async def register_candidate(uow: MatchingUnitOfWork, newcomer: Candidate, policy: MatchingPolicy | None = None) -> list[Match]:
    """Returns the matches proposed to the newcomer: as many as they have places and partners fit;
    none leaves them waiting in the pool (a later join or a freed place proposes them). Someone erased
    is never stored again (a join read after their erasure, as a replay may: none). One join on its
    own, straight on the stores: what a run's plan must equal (property-tested)."""
    await uow.lock_program(newcomer.program_id)
    if await uow.erasures.erased_among([newcomer.participant_id]) or not await uow.candidates.add(newcomer):
        return []
    policy = policy or (await uow.policies.current(newcomer.program_id))[1]
    return await fill_places(uow, newcomer, policy, uow.clock.now())


async def register_candidates(
    uow: MatchingUnitOfWork, joins: Sequence[tuple[Candidate, Cause]], policy: MatchingPolicy | None = None
) -> list[Match]:
    """``register_candidate`` for each join in order, each proposal emitted as caused by its join;
    returns every match proposed, in the order made."""
    by_program: dict[str, list[tuple[Candidate, Cause]]] = {}
    for join in joins:
        by_program.setdefault(join[0].program_id, []).append(join)
    for program_id in sorted(by_program):  # one order everywhere: two replicas never wait on each other
        await uow.lock_program(program_id)
    erased = await uow.erasures.erased_among([newcomer.participant_id for newcomer, _ in joins])
    now = uow.clock.now()
    emitted: list[tuple[Event, Cause]] = []
    plans: dict[str, tuple[PlannedPlaces, MatchingPolicy]] = {}
    for program_id, program_joins in by_program.items():
        newcomers = [newcomer for newcomer, _ in program_joins]
        wanted = sorted({slot for newcomer in newcomers for slot in newcomer.wanted_slots()})
        plan = PlannedPlaces(
            await uow.programs.standing(program_id),
            await uow.candidates.open_pool(program_id, wanted),  # before they are added: each sees only those before
            await uow.matches.excluded_partners_of([newcomer.participant_id for newcomer in newcomers]),
            emitted,
            newcomers,
            reference_week(now),
        )
        plans[program_id] = (plan, policy or (await uow.policies.current(program_id))[1])
    first: dict[UUID, Candidate] = {}
    for newcomer, _ in joins:
        if newcomer.participant_id not in erased:
            first.setdefault(newcomer.participant_id, newcomer)
    added = await uow.candidates.add_many(list(first.values()))
    proposed: list[Match] = []
    for newcomer, cause in joins:  # in the run's order, each in its program's plan
        if newcomer.participant_id not in added:
            continue  # known already (or erased): a join handled before, or a second one in the run
        added.discard(newcomer.participant_id)
        plan, program_policy = plans[newcomer.program_id]
        plan.candidates.join(newcomer)
        plan.caused_by(cause)
        proposed += await fill_places(plan, newcomer, program_policy, now)
    for plan, _ in plans.values():
        await plan.write(uow)
    await uow.emit_caused(emitted)
    return proposed
