"""Use case: a participant joined; remember them and propose their best partners, as many as they have places."""

from mesh_matching.application.places import fill_places
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.scoring import MatchingPolicy


async def register_candidate(uow: MatchingUnitOfWork, newcomer: Candidate, policy: MatchingPolicy | None = None) -> list[Match]:
    """Returns the matches proposed to the newcomer: as many as they have places and partners fit;
    none leaves them waiting in the pool (a later join or a freed place proposes them). Someone erased
    is never stored again (a join read after their erasure, as a replay may: none)."""
    await uow.lock_program(newcomer.program_id)
    if await uow.erasures.erased_among([newcomer.participant_id]) or not await uow.candidates.add(newcomer):
        return []
    policy = policy or (await uow.policies.current(newcomer.program_id))[1]
    return await fill_places(uow, newcomer, policy, uow.clock.now())
