"""A participant of one mentoring program: joins, keeps their profile current, may leave."""

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal
from uuid import UUID

from mentoring_contracts import ParticipantErased, ParticipantJoined, ParticipantLeft, ParticipantProfileUpdated
from mentoring_contracts.events.participants import ParticipantAttributes, ParticipantProfile

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


class MentoringAwaitsApproval(ProfileError):
    """Someone the other services know keeps a role they may take while a coordinator has not yet
    approved them as a mentor (else, with only mentor topics, they would vanish from matching)."""


def mentors(profile: ParticipantProfile) -> bool:
    return any(topic.role == "mentor" for topic in profile.topics)


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
    # They mentor in a program that asks a coordinator's approval first, and have not had it yet.
    mentoring_pending: bool = False
    mentoring_approved_at: datetime | None = None

    @property
    def published(self) -> ParticipantProfile:
        """The profile as the other services learn it (events, and their reads of it): while their
        mentoring awaits approval, without the topics they mentor and without mentor capacity, so
        matching never pairs them as a mentor."""
        if not self.mentoring_pending:
            return self.profile
        return self.profile.model_copy(
            update={"topics": [topic for topic in self.profile.topics if topic.role != "mentor"], "mentor_capacity": 0}
        )

    @property
    def mentoring(self) -> Literal["awaiting_approval", "approved"] | None:
        """Where a coordinator's approval of their mentoring stands: awaiting_approval, approved, or
        None (none asked of them)."""
        if self.mentoring_pending:
            return "awaiting_approval"
        return "approved" if self.mentoring_approved_at is not None else None

    @property
    def withheld(self) -> bool:
        """Nothing to publish yet: they only mentor, and that awaits approval. The other services learn
        of them (ParticipantJoined) when it is given."""
        return not self.published.topics

    def needs_approval(self, profile: ParticipantProfile, program_asks: bool) -> bool:
        return program_asks and mentors(profile) and self.mentoring_approved_at is None

    def _announcement(self, before: "Participant", now: datetime) -> ParticipantJoined | ParticipantProfileUpdated | None:
        """What the other services are told of this participant, who was ``before``."""
        if self.withheld:
            return None
        if before.withheld:
            return ParticipantJoined(participant_id=self.participant_id, attributes=self.published.attributes(), joined_at=now)
        return ParticipantProfileUpdated(
            participant_id=self.participant_id, attributes=self.published.attributes(), updated_at=now
        )

    @property
    def email_key(self) -> str:
        """Emails compare case-insensitively: Ada@Uni.edu and ada@uni.edu are one person."""
        return str(self.profile.email).lower()

    def update(
        self,
        profile: ParticipantProfile,
        now: datetime,
        *,
        approval_needed: bool = False,
    ) -> tuple["Participant", ParticipantJoined | ParticipantProfileUpdated | None]:
        """The whole profile is replaced; the program is not: moving programs is leaving and joining.
        ``approval_needed``: the program asks a coordinator's approval of mentors (not given yet to them:
        their mentoring is left out of what is published until it is). None: nothing to announce yet."""
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} has left; their profile is closed")
        if profile.program_id != self.profile.program_id:
            raise ProgramIsFixed(f"the program cannot change (from {self.profile.program_id!r}); leave and join the other one")
        updated = replace(self, profile=profile, mentoring_pending=self.needs_approval(profile, approval_needed))
        if updated.withheld and not self.withheld:
            raise MentoringAwaitsApproval("until a coordinator approves you as a mentor, keep a topic in another role")
        return updated, updated._announcement(self, now)

    def approve_mentoring(self, now: datetime) -> tuple["Participant", ParticipantJoined | ParticipantProfileUpdated | None]:
        """A coordinator approves them as a mentor: their mentoring is published (or, if they only
        mentor, they are). Approving again, or before they mentor, announces nothing; it stands."""
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} has {self.status.value}; their profile is closed")
        approved = replace(self, mentoring_pending=False, mentoring_approved_at=self.mentoring_approved_at or now)
        return approved, approved._announcement(self, now) if self.mentoring_pending else None

    def claim(self, subject: str, now: datetime) -> tuple["Participant", ParticipantJoined | ParticipantProfileUpdated | None]:
        """A person a roster brought binds their account to the profile; the others learn the account
        from profile as for any change. Claiming again with the same account changes nothing."""
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} has {self.status.value}; their profile is closed")
        if self.subject == subject:
            return self, None
        if self.subject is not None:
            raise AlreadyClaimed(f"participant {self.participant_id} belongs to another account")
        claimed = replace(self, subject=subject)
        return claimed, claimed._announcement(self, now)

    def erase(self, now: datetime) -> tuple["Participant", ParticipantErased]:
        """Personal data goes (name, email, the free text of experiences, goals, challenges and
        interests, what programs' rules read, the reason for leaving, the account link, the institution's id); what counts for the program's statistics stays, anonymous."""
        if self.status is ParticipantStatus.ERASED:
            raise NotActive(f"participant {self.participant_id} is already erased")
        # An allow-list: the attributes events carry (they identify nobody) and placeholders where a
        # profile must have a value; every other field, one added later too, is left at its default.
        anonymous = ParticipantProfile.model_construct(
            **{name: getattr(self.profile, name) for name in ParticipantAttributes.model_fields},
            display_name=ERASED_NAME,
            email=f"erased-{self.participant_id.hex}@erased.example.org",
        )
        erased = replace(
            self,
            profile=anonymous,
            subject=None,
            status=ParticipantStatus.ERASED,
            erased_at=now,
            left_at=self.left_at or now,
            left_reason=None,
            external_id=None,
        )
        return erased, ParticipantErased(participant_id=self.participant_id, erased_at=now)

    def leave(self, reason: str | None, now: datetime) -> tuple["Participant", ParticipantLeft]:
        if self.status is not ParticipantStatus.ACTIVE:
            raise NotActive(f"participant {self.participant_id} already left")
        left = replace(self, status=ParticipantStatus.LEFT, left_at=now, left_reason=reason)
        return left, ParticipantLeft(participant_id=self.participant_id, program_id=self.profile.program_id, left_at=now)


def join(
    participant_id: UUID,
    profile: ParticipantProfile,
    now: datetime,
    *,
    institution: str,
    subject: str | None,
    external_id: str | None = None,
    approval_needed: bool = False,
) -> tuple[Participant, ParticipantJoined | None]:
    """Joining creates the participant, bound to the account that joined (none yet when a roster
    brought them, by the institution's id), and the fact every other service learns them from: none
    yet when they only mentor and the program asks a coordinator's approval of mentors first."""
    participant = Participant(
        participant_id,
        profile,
        now,
        institution,
        subject,
        external_id=external_id,
        mentoring_pending=approval_needed and mentors(profile),
    )
    if participant.withheld:
        return participant, None
    return participant, ParticipantJoined(
        participant_id=participant_id, attributes=participant.published.attributes(), joined_at=now
    )


def changed_fields(before: ParticipantProfile, after: ParticipantProfile) -> list[str]:
    """The names of the profile's fields that differ, for the audit trail (which fields, never their values)."""
    return [name for name in type(before).model_fields if getattr(before, name) != getattr(after, name)]
