"""What every way a match stops has in common."""

from mentoring_contracts import Event
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.match import Match


async def close_match(uow: MatchingUnitOfWork, before: Match, after: Match, event: Event) -> None:
    """Declined, expired or ended: the match is saved as it now is, both places it held go back
    to the pool (a participant's unaccepted request held none), and the change is announced."""
    await uow.matches.save(after)
    if before.holds_places:
        for participant_id in before.participants:
            await uow.candidates.release(participant_id)
    await uow.emit(event)
