"""The event catalogue's models, by aggregate."""

from mentoring_contracts.events.agreements import AgreementSet, Goal
from mentoring_contracts.events.base import Event
from mentoring_contracts.events.matches import (
    MatchAccepted,
    MatchDeclined,
    MatchEnded,
    MatchExpired,
    MatchParticipant,
    MatchProposed,
    ParticipantSchedule,
    ScorePart,
)
from mentoring_contracts.events.notifications import NotificationFailed, NotificationSent
from mentoring_contracts.events.participants import (
    AvailabilitySlot,
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantProfile,
    ParticipantProfileUpdated,
    TopicRole,
)
from mentoring_contracts.events.programs import ProgramClosed, ProgramCreated, ProgramDefinition, ProgramUpdated
from mentoring_contracts.events.sessions import (
    Reflection,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)

ALL_EVENTS: tuple[type[Event], ...] = (
    ProgramCreated,
    ProgramUpdated,
    ProgramClosed,
    ParticipantJoined,
    ParticipantProfileUpdated,
    ParticipantLeft,
    ParticipantErased,
    ParticipantErasureConfirmed,
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchEnded,
    AgreementSet,
    SessionScheduled,
    SessionRescheduled,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    NotificationSent,
    NotificationFailed,
)

__all__ = [
    "ALL_EVENTS",
    "AgreementSet",
    "AvailabilitySlot",
    "Event",
    "Goal",
    "MatchAccepted",
    "MatchDeclined",
    "MatchEnded",
    "MatchExpired",
    "MatchParticipant",
    "MatchProposed",
    "NotificationFailed",
    "NotificationSent",
    "ParticipantErased",
    "ParticipantErasureConfirmed",
    "ParticipantJoined",
    "ParticipantLeft",
    "ParticipantProfile",
    "ParticipantProfileUpdated",
    "ParticipantSchedule",
    "ProgramClosed",
    "ProgramCreated",
    "ProgramDefinition",
    "ProgramUpdated",
    "Reflection",
    "ScorePart",
    "SessionCancelled",
    "SessionCompleted",
    "SessionMissed",
    "SessionRescheduled",
    "SessionScheduled",
    "TopicRole",
]
