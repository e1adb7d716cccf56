"""Use case: a person joins a mentoring program."""

from datetime import UTC, datetime
from uuid import uuid4

from mentoring_contracts.events.participants import ParticipantProfile
from mesh_profile.application.ports import ProfileUnitOfWork
from mesh_profile.domain.participant import AlreadyJoined, Participant, join


async def join_program(uow: ProfileUnitOfWork, profile: ParticipantProfile) -> Participant:
    """Stores the participant and emits ParticipantJoined; an email joins a program once."""
    participant, joined = join(uuid4(), profile, datetime.now(UTC))
    existing = await uow.participants.find_by_email(profile.program_id, participant.email_key)
    if existing is not None:
        raise AlreadyJoined(profile.program_id, existing.participant_id)
    await uow.participants.add(participant)
    await uow.emit(joined)
    return participant
