"""Use cases: matching follows profile's programs; a closed program's open matches stop, with its reason."""

from datetime import datetime

from mentoring_contracts import MatchEnded, MatchExpired, ProgramClosed, ProgramDefinition
from mesh_matching.application.places import close_match
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.match import MatchStatus


async def follow_program(uow: MatchingUnitOfWork, program_id: str, definition: ProgramDefinition, at: datetime) -> None:
    """Created or changed: how its pairs are made and where it runs, as of ``at``."""
    await uow.programs.define(program_id, definition, at)


async def close_program(uow: MatchingUnitOfWork, closed: ProgramClosed) -> int:
    """Once per program: every proposal lapses (MatchExpired) and every formed pair ends (MatchEnded,
    ended early, by nobody of the pair), each with the program's reason, read through matching's API;
    nothing is proposed in the program again, so no freed place is offered. Returns how many matches stopped.

    A join that reaches matching after the close registers the person and proposes nothing."""
    now = uow.clock.now()
    await uow.lock_program(closed.program_id)
    if not await uow.programs.close(closed.program_id, closed.reason, closed.closed_at):
        return 0
    reason = f"the program closed: {closed.reason}" if closed.reason else "the program closed"
    stopped = 0
    for match in await uow.matches.open_in_program(closed.program_id):
        after = match.stop_with_program(now, reason)
        event: MatchExpired | MatchEnded
        if match.status is MatchStatus.PROPOSED:
            event = MatchExpired(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                accepted_by=sorted(match.accepted_by),
                expired_at=now,
            )
        else:
            event = MatchEnded(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                outcome="ended_early",
                ended_by=None,
                ended_at=now,
                cause="program_closed",
            )
        await close_match(uow, match, after, event, now)
        stopped += 1
    return stopped
