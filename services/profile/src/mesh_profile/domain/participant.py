"""A participant of one mentoring program: joins, keeps their profile current, may leave."""

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from mentoring_contracts import ParticipantErased, ParticipantJoined, ParticipantLeft, ParticipantProfileUpdated
from mentoring_contracts.events.participants import ParticipantProfile

ERASED_NAME = "Erased participant"


class ParticipantStatus(enum.StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    ERASED = "erased"


class ProfileError(Exception):
    """A request the participant's rules refuse."""


class AlreadyJoined(ProfileError):
    """One person (one email, one account) joins one program once. ``yours``: the participant that
    already joined is the caller's own account (a retried join), so the caller may be told which it is."""

    def __init__(self, program_id: str, participant_id: UUID | None, what: str = "this email", *, yours: bool = False) -> None:
        super().__init__(f"{what} already joined program {program_id!r}")
        self.participant_id = participant_id
        self.yours = yours


class NotActive(ProfileError):
    pass


class AlreadyClaimed(ProfileError):
    """A profile is one account's: once claimed, nobody else claims it."""


class ProgramIsFixed(ProfileError):
    pass


@dataclass(frozen=True, slots=True)
class Participant:
    """``subject`` is the account that joined (the access token's ``sub``): the person this participant is."""

    participant_id: UUID
    profile: ParticipantProfile
    joined_at: datetime
    institution: str
    subject: str | None
    status: ParticipantStatus = ParticipantStatus.ACTIVE
    left_at: datetime | None = None
    erased_at: datetime | None = None
    left_reason: str | None = None  # in their words: stays here, never on an event
    external_id: str | None = None  # the institution's id for them (student or staff number), from a roster

    @property
    def email_key(self) -> str:
        """Emails compare case-insensitively: Ada@Uni.edu and ada@uni.edu are one person."""
        return str(self.profile.email).lower()

    def update(self, profile: ParticipantProfile, now: datetime) -> tuple["Participant", ParticipantProfileUpdated]:
        """The whole profile is replaced; the program is not: moving programs is leaving and joining."""
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} has left; their profile is closed")
        if profile.program_id != self.profile.program_id:
            raise ProgramIsFixed(f"the program cannot change (from {self.profile.program_id!r}); leave and join the other one")
        updated = replace(self, profile=profile)
        return updated, ParticipantProfileUpdated(participant_id=self.participant_id, attributes=profile.attributes(),
                                                  updated_at=now)

    def claim(self, subject: str, now: datetime) -> tuple["Participant", ParticipantProfileUpdated | None]:
        """A person a roster brought binds their account to the profile; the others learn the account
        from profile as for any change. Claiming again with the same account changes nothing."""
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} has {self.status.value}; their profile is closed")
        if self.subject == subject:
            return self, None
        if self.subject is not None:
            raise AlreadyClaimed(f"participant {self.participant_id} belongs to another account")
        return replace(self, subject=subject), ParticipantProfileUpdated(
            participant_id=self.participant_id, attributes=self.profile.attributes(), updated_at=now)

    def erase(self, now: datetime) -> tuple["Participant", ParticipantErased]:
        """Personal data goes (name, email, the free text of experiences, goals, challenges and
        interests, what programs' rules read, the reason for leaving, the account link, the institution's id); what counts for the program's statistics stays, anonymous."""
        if self.status is ParticipantStatus.ERASED:
            raise NotActive(f"participant {self.participant_id} is already erased")
        anonymous = self.profile.model_copy(update={
            "display_name": ERASED_NAME, "email": f"erased-{self.participant_id.hex}@erased.example.org",
            "experiences": [], "goals": [], "challenges": [], "interests": [], "affiliation": None,
            "year_of_study": None, "department": None, "custom_attributes": {}})
        erased = replace(self, profile=anonymous, subject=None, status=ParticipantStatus.ERASED, erased_at=now,
                         left_at=self.left_at or now, left_reason=None, external_id=None)
        return erased, ParticipantErased(participant_id=self.participant_id, erased_at=now)

    def leave(self, reason: str | None, now: datetime) -> tuple["Participant", ParticipantLeft]:
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} already left")
        left = replace(self, status=ParticipantStatus.LEFT, left_at=now, left_reason=reason)
        return left, ParticipantLeft(participant_id=self.participant_id, program_id=self.profile.program_id, left_at=now)


def join(participant_id: UUID, profile: ParticipantProfile, now: datetime, *, institution: str,
         subject: str | None, external_id: str | None = None) -> tuple[Participant, ParticipantJoined]:
    """Joining creates the participant, bound to the account that joined (none yet when a roster
    brought them, by the institution's id), and the fact every other service learns them from."""
    participant = Participant(participant_id, profile, now, institution, subject, external_id=external_id)
    return participant, ParticipantJoined(participant_id=participant_id, attributes=profile.attributes(), joined_at=now)


def changed_fields(before: ParticipantProfile, after: ParticipantProfile) -> list[str]:
    """The names of the profile's fields that differ, for the audit trail (which fields, never their values)."""
    return [name for name in type(before).model_fields if getattr(before, name) != getattr(after, name)]
