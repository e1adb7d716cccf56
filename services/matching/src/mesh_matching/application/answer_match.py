"""Use cases: one of the pair accepts or declines a proposed match, or ends a formed pair."""

from typing import Literal
from uuid import UUID

from mentoring_contracts import MatchAccepted, MatchDeclined, MatchEnded, ParticipantSchedule
from mesh_matching.application.errors import CapacityExhausted, MatchNotFound, NotAParticipant, ReasonRequired
from mesh_matching.application.places import close_match
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.scoring import MatchingPolicy


async def accept_match(uow: MatchingUnitOfWork, match_id: UUID, participant_id: UUID) -> Match:
    """When the second participant accepts, the pair is formed and MatchAccepted carries what
    scheduling needs of both (time zones, availability, meeting modes)."""
    match = await _load(uow, match_id)
    now = uow.clock.now()
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
                    role=role,  # type: ignore[arg-type]  # roles come from topics, which name only the contract's roles
                    campus=profile.campus,
                    time_zone=profile.time_zone,
                    weekly_availability=profile.weekly_availability,
                    meeting_modes=profile.meeting_modes,  # type: ignore[arg-type]  # kept as the contract validated them
                    preferred_cadence=profile.preferred_cadence,  # type: ignore[arg-type]  # likewise
                )
            )
        await uow.emit(
            MatchAccepted(
                match_id=updated.match_id,
                program_id=updated.program_id,
                topic_name=updated.topic,
                kind=updated.kind,  # type: ignore[arg-type]  # a match's kind is one of the two the contract names
                participants=schedules,
                accepted_at=now,
            )
        )
    return updated


async def decline_match(uow: MatchingUnitOfWork, match_id: UUID, participant_id: UUID, reason: str | None) -> Match:
    """Declining frees both participants' capacity; the pair stays excluded from proposals."""
    match = await _load(uow, match_id)
    now = uow.clock.now()
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
        now,
    )
    return updated


async def end_match(
    uow: MatchingUnitOfWork,
    match_id: UUID,
    participant_id: UUID,
    outcome: Literal["completed", "ended_early"],
    reason: str | None,
    policy: MatchingPolicy | None = None,
    *,
    by_staff: bool = False,
) -> Match:
    """One of a formed pair ends it: both places are freed and offered again at once, to anyone but
    each other (the pair itself is never proposed again). Staff ending it for one of them
    (``by_staff``: a coordinator of the pair's campuses) end it early, with a reason both partners read."""
    if by_staff and (not reason or outcome != "ended_early"):
        raise ReasonRequired("a coordinator ends a pair early, with a reason both partners read")
    match = await _load(uow, match_id)
    if participant_id not in match.participants:
        raise NotAParticipant(f"participant {participant_id} is not part of match {match_id}")
    now = uow.clock.now()
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
        now,
        policy,
    )
    return ended


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
