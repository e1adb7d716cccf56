"""What every way a match stops has in common."""

from datetime import UTC, datetime

from mentoring_contracts import Event
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.application.register_candidate import fill_places
from mesh_matching.domain.match import Match
from mesh_matching.domain.scoring import MatchingPolicy


async def close_match(
    uow: MatchingUnitOfWork,
    before: Match,
    after: Match,
    event: Event,
    policy: MatchingPolicy | None = None,
    now: datetime | None = None,
) -> list[Match]:
    """Declined, expired or ended: the match is saved as it now is, both places it held go back
    to the pool (a participant's unaccepted request held none), the change is announced, and each
    place freed is offered again at once. Returns the proposals that made. The caller holds the
    program's lock."""
    await uow.matches.save(after)
    await uow.emit(event)
    if not before.holds_places:
        return []
    for participant_id in before.participants:
        await uow.candidates.release(participant_id)
    policy = policy or (await uow.policies.current(after.program_id))[1]
    proposed: list[Match] = []
    for participant_id in before.participants:
        person = await uow.candidates.get(participant_id)
        if person is not None:  # withdrawn people have no room: fill_places proposes nothing for them
            proposed += await fill_places(uow, person, policy, now or datetime.now(UTC))
    return proposed
