"""A participant of one mentoring program."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mentoring_contracts import ParticipantJoined
from mentoring_contracts.events.participants import ParticipantProfile


class AlreadyJoined(Exception):
    """One person (one email) joins one program once."""

    def __init__(self, program_id: str, participant_id: UUID | None) -> None:
        super().__init__(f"this email already joined program {program_id!r}")
        self.participant_id = participant_id


@dataclass(frozen=True, slots=True)
class Participant:
    participant_id: UUID
    profile: ParticipantProfile
    joined_at: datetime

    @property
    def email_key(self) -> str:
        """Emails compare case-insensitively: Ada@Uni.edu and ada@uni.edu are one person."""
        return str(self.profile.email).lower()


def join(participant_id: UUID, profile: ParticipantProfile, now: datetime) -> tuple[Participant, ParticipantJoined]:
    """Joining creates the participant and the fact every other service learns them from."""
    participant = Participant(participant_id, profile, now)
    return participant, ParticipantJoined(participant_id=participant_id, profile=profile, joined_at=now)
