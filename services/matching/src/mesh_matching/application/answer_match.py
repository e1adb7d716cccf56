"""Use cases: a participant accepts or declines a proposed match."""

from datetime import UTC, datetime
from uuid import UUID

from mentoring_contracts import MatchAccepted, MatchDeclined, ParticipantSchedule
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.match import Match, MatchError, MatchStatus


class MatchNotFound(MatchError):
    pass


async def accept_match(uow: MatchingUnitOfWork, match_id: UUID, participant_id: UUID) -> Match:
    """When the second participant accepts, the pair is formed and MatchAccepted carries what
    scheduling needs of both (time zones, availability, meeting modes)."""
    match = await _load(uow, match_id)
    now = datetime.now(UTC)
    updated = match.accept(participant_id, now)
    if updated == match:
        return match
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


async def decline_match(uow: MatchingUnitOfWork, match_id: UUID, participant_id: UUID, reason: str | None) -> Match:
    """Declining frees both participants' capacity; the pair stays excluded from proposals."""
    match = await _load(uow, match_id)
    now = datetime.now(UTC)
    updated = match.decline(participant_id, now)
    await uow.matches.save(updated)
    for pid in updated.participants:
        await uow.candidates.release(pid)
    await uow.emit(
        MatchDeclined(
            match_id=updated.match_id,
            program_id=updated.program_id,
            participant_ids=list(updated.participants),
            declined_by=participant_id,
            reason=reason,
            declined_at=now,
        )
    )
    return updated


async def _load(uow: MatchingUnitOfWork, match_id: UUID) -> Match:
    match = await uow.matches.get_for_update(match_id)
    if match is None:
        raise MatchNotFound(f"no match {match_id}")
    return match
