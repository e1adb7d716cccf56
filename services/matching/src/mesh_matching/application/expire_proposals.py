"""Use case: proposals nobody completed in time lapse, and both participants get their place back."""

from mentoring_contracts import MatchExpired
from mesh_matching.application.places import close_match
from mesh_matching.application.ports import MatchingUnitOfWork


async def expire_proposals(uow: MatchingUnitOfWork, program_id: str, limit: int = 500) -> int:
    """A program's proposals lapsed by now (the clock's); returns how many expired. The pair stays
    excluded from future proposals; both places are offered again at once."""
    now = uow.clock.now()
    await uow.lock_program(program_id)
    expired = 0
    for match in await uow.matches.open_past_expiry(program_id, now, limit):
        lapsed = match.expire(now)
        if lapsed is match:
            continue
        await close_match(
            uow,
            match,
            lapsed,
            MatchExpired(
                match_id=lapsed.match_id,
                program_id=lapsed.program_id,
                participant_ids=list(lapsed.participants),
                accepted_by=sorted(lapsed.accepted_by),
                expired_at=now,
            ),
            now,
        )
        expired += 1
    return expired
