"""A person's participations across their institution's programs, as they see them: the profiles bound
to their account, and the ones a program's roster made for them that wait for them to claim."""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from mentoring_contracts.events.participants import Role
from mesh_profile.domain.participant import Participant, ParticipantStatus
from mesh_profile.domain.program import Program


class ParticipationState(enum.StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    # A program's roster made the profile, with the address the institution vouches for: the person
    # takes it (POST /participants/claim) and from then on it is theirs, active.
    WAITING_FOR_YOU = "waiting_for_you"


@dataclass(frozen=True, slots=True)
class Participation:
    participant_id: UUID
    program_id: str
    program_name: str
    program_open: bool
    state: ParticipationState
    roles: tuple[Role, ...]
    campus: str
    joined_at: datetime
    left_at: datetime | None
    mentoring: Literal["awaiting_approval", "approved"] | None  # None: no approval asked of them


def participations(
    participants: Iterable[Participant],
    programs: Mapping[str, Program],
    *,
    subject: str,
    email: str | None,
    campuses: Iterable[str],
) -> list[Participation]:
    """What the person with this account sees of ``participants``: those bound to their account (active
    or left; an erased one is bound to nobody), and the active ones no account has claimed yet whose
    address is the one their institution vouches for (``email``; None: none is vouched for) on one of
    their campuses, where they may claim it. In the order they joined."""
    email_key = email.lower() if email is not None else None
    found = []
    for participant in participants:
        if participant.subject == subject and participant.status is not ParticipantStatus.ERASED:
            state = ParticipationState(participant.status.value)
        elif _waiting(participant, email_key, frozenset(campuses)):
            state = ParticipationState.WAITING_FOR_YOU
        else:
            continue
        program = programs.get(participant.profile.program_id)
        found.append(
            Participation(
                participant.participant_id,
                participant.profile.program_id,
                program.definition.name if program else participant.profile.program_id,
                program.is_open if program else False,
                state,
                tuple(sorted({topic.role for topic in participant.profile.topics})),
                participant.profile.campus,
                participant.joined_at,
                participant.left_at,
                participant.mentoring,
            )
        )
    return sorted(found, key=lambda found: (found.joined_at, found.program_id))


def _waiting(participant: Participant, email_key: str | None, campuses: frozenset[str]) -> bool:
    return (
        participant.subject is None
        and participant.status is ParticipantStatus.ACTIVE
        and email_key is not None
        and participant.email_key == email_key
        and participant.profile.campus in campuses
    )
