"""Use cases: matching's view follows profile changes; a participant who leaves is withdrawn,
their open matches close, and each partner is offered a rematch."""

from datetime import UTC, datetime

from mentoring_contracts import MatchDeclined, MatchEnded, MatchExpired, ParticipantLeft
from mesh_matching.application.close_match import close_match
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.application.register_candidate import fill_places
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.scoring import MatchingPolicy

LEFT_REASON = "participant left the program"


async def follow_profile_update(
    uow: MatchingUnitOfWork, updated: Candidate, policy: MatchingPolicy | None = None, now: datetime | None = None
) -> list[Match]:
    """The new profile counts from now on (capacity never below the places held); with more room, or
    other topics, they may fit someone waiting: those places are filled at once. Returns those proposals."""
    await uow.lock_program(updated.program_id)
    await uow.candidates.update_profile(updated)
    policy = policy or (await uow.policies.current(updated.program_id))[1]
    return await fill_places(uow, updated, policy, now or datetime.now(UTC))


async def withdraw_participant(
    uow: MatchingUnitOfWork, left: ParticipantLeft, policy: MatchingPolicy | None = None, now: datetime | None = None
) -> list[Match]:
    """Returns the rematches proposed to the leaver's former partners."""
    return await withdraw(uow, left.participant_id, left.program_id, LEFT_REASON, policy, now)


async def withdraw(
    uow: MatchingUnitOfWork,
    participant_id,
    program_id: str,
    reason: str,
    policy: MatchingPolicy | None = None,
    now: datetime | None = None,
) -> list[Match]:
    """Out of every pool; each open match closes (declined, expired or ended with ``reason``), and each
    partner is offered a rematch at once. Returns those rematches."""
    now = now or datetime.now(UTC)
    await uow.lock_program(program_id)
    policy = policy or (await uow.policies.current(program_id))[1]
    await uow.candidates.withdraw(participant_id, now)
    rematches: list[Match] = []
    event: MatchDeclined | MatchExpired | MatchEnded
    for match in await uow.matches.open_for(participant_id):
        if match.status is MatchStatus.PROPOSED and now >= match.expires_at:
            closed = match.expire(now)  # lapsed already; the sweep had not come by yet
            event = MatchExpired(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                accepted_by=sorted(match.accepted_by),
                expired_at=now,
            )
        elif match.status is MatchStatus.PROPOSED:
            closed = match.decline(participant_id, now, reason)
            event = MatchDeclined(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                declined_by=participant_id,
                declined_at=now,
            )
        else:
            closed = match.end(now, reason)
            event = MatchEnded(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                outcome="ended_early",
                ended_by=participant_id,
                ended_at=now,
                cause="participant_left",
            )
        rematches += await close_match(uow, match, closed, event, policy, now)
    return rematches
