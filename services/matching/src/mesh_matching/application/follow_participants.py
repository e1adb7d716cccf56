"""Use cases: matching's view follows profile changes; a participant who leaves is withdrawn,
their open matches close, and each partner is offered a rematch."""

from mentoring_contracts import ParticipantLeft
from mesh_matching.application.places import fill_places, withdraw
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.scoring import MatchingPolicy

LEFT_REASON = "participant left the program"


async def follow_profile_update(uow: MatchingUnitOfWork, updated: Candidate, policy: MatchingPolicy | None = None) -> list[Match]:
    """The new profile counts from now on (capacity never below the places held); with more room, or
    other topics, they may fit someone waiting: those places are filled at once. Returns those proposals.
    Someone erased keeps their anonymised profile (an update read after their erasure, as a replay may: ignored)."""
    await uow.lock_program(updated.program_id)
    if await uow.erasures.erased_among([updated.participant_id]):
        return []
    await uow.candidates.update_profile(updated)
    policy = policy or (await uow.policies.current(updated.program_id))[1]
    return await fill_places(uow, updated, policy, uow.clock.now())


async def withdraw_participant(
    uow: MatchingUnitOfWork, left: ParticipantLeft, policy: MatchingPolicy | None = None
) -> list[Match]:
    """Returns the rematches proposed to the leaver's former partners."""
    return await withdraw(uow, left.participant_id, left.program_id, LEFT_REASON, uow.clock.now(), policy)
