"""Use cases: a participant accepts or declines a proposed match."""

from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import MatchAccepted, MatchDeclined, MatchEnded, ParticipantSchedule
from mesh_matching.application.close_match import close_match
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.match import Match, MatchError, MatchStatus, NotAParticipant
from mesh_matching.domain.scoring import MatchingPolicy


class MatchNotFound(MatchError):
    pass


class CapacityExhausted(MatchError):
    """The database refused the place: the pair cannot be formed now."""


async def accept_match(uow: MatchingUnitOfWork, match_id: UUID, participant_id: UUID, now: datetime | None = None) -> Match:
    """When the second participant accepts, the pair is formed and MatchAccepted carries what
    scheduling needs of both (time zones, availability, meeting modes)."""
    match = await _load(uow, match_id)
    now = now or datetime.now(UTC)
    updated = match.accept(participant_id, now)
    if updated == match:
        return match
    if updated.status is MatchStatus.ACCEPTED and not match.capacity_reserved:
        await _take_places(uow, updated)
    await uow.matches.save(updated)
    if updated.status is MatchStatus.ACCEPTED:
        schedules = []
        for pid, role in zip(updated.participants, updated.roles, strict=True):
            candidate = await uow.candidates.get(pid)
            assert candidate is not None, "a match only names known candidates"
            profile = candidate.profile
            schedules.append(
                ParticipantSchedule(
                    participant_id=pid,
                    role=role,  # type: ignore[arg-type]
                    campus=profile.campus,
                    time_zone=profile.time_zone,
                    weekly_availability=profile.weekly_availability,
                    meeting_modes=profile.meeting_modes,
                    preferred_cadence=profile.preferred_cadence,
                )
            )
        await uow.emit(
            MatchAccepted(
                match_id=updated.match_id,
                program_id=updated.program_id,
                topic_name=updated.topic,
                kind=updated.kind,  # type: ignore[arg-type]
                participants=schedules,
                accepted_at=now,
            )
        )
    return updated


async def decline_match(
    uow: MatchingUnitOfWork, match_id: UUID, participant_id: UUID, reason: str | None, now: datetime | None = None
) -> Match:
    """Declining frees both participants' capacity; the pair stays excluded from proposals."""
    match = await _load(uow, match_id)
    now = now or datetime.now(UTC)
    updated = match.decline(participant_id, now, reason)
    await close_match(
        uow,
        match,
        updated,
        MatchDeclined(
            match_id=updated.match_id,
            program_id=updated.program_id,
            participant_ids=list(updated.participants),
            declined_by=participant_id,
            declined_at=now,
        ),
    )
    return updated


async def _take_places(uow: MatchingUnitOfWork, match: Match) -> None:
    """Forming a requested pair takes both places now; the database refuses past capacity, so
    concurrent acceptances never overbook anyone."""
    first, second = match.participants
    if not await uow.candidates.reserve(first) or not await uow.candidates.reserve(second):
        raise CapacityExhausted("no place left to form this pair: a mentor's capacity (or a partner's) is taken")


async def _load(uow: MatchingUnitOfWork, match_id: UUID) -> Match:
    """The match, locked, under its program's lock (always taken first: no deadlock with a join)."""
    program_id = await uow.matches.program_of(match_id)
    if program_id is not None:
        await uow.lock_program(program_id)
    match = await uow.matches.get_for_update(match_id)
    if match is None:
        raise MatchNotFound(f"no match {match_id}")
    return match


async def end_match(
    uow: MatchingUnitOfWork,
    match_id: UUID,
    participant_id: UUID,
    outcome: str,
    reason: str | None,
    policy: MatchingPolicy | None = None,
    now: datetime | None = None,
) -> Match:
    """One of a formed pair ends it: both places are freed and offered again at once, to anyone but
    each other (the pair itself is never proposed again)."""
    match = await _load(uow, match_id)
    if participant_id not in match.participants:
        raise NotAParticipant(f"participant {participant_id} is not part of match {match_id}")
    now = now or datetime.now(UTC)
    ended = match.end(now, reason)
    await close_match(
        uow,
        match,
        ended,
        MatchEnded(
            match_id=ended.match_id,
            program_id=ended.program_id,
            participant_ids=list(ended.participants),
            outcome=outcome,
            ended_by=participant_id,
            ended_at=now,
            cause="pair",
        ),
        policy,
        now,
    )  # type: ignore[arg-type]
    return ended
