"""The event catalogue's models."""

from mentoring_contracts.events.base import Event
from mentoring_contracts.events.matches import (
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchParticipant,
    MatchProposed,
    ParticipantSchedule,
    ScorePart,
)
from mentoring_contracts.events.notifications import NotificationSent
from mentoring_contracts.events.participants import (
    AvailabilitySlot,
    ParticipantJoined,
    ParticipantProfile,
    TopicRole,
)
from mentoring_contracts.events.sessions import Reflection, SessionCompleted, SessionScheduled

__all__ = [
    "AvailabilitySlot",
    "Event",
    "MatchAccepted",
    "MatchDeclined",
    "MatchExpired",
    "MatchParticipant",
    "MatchProposed",
    "NotificationSent",
    "ParticipantJoined",
    "ParticipantProfile",
    "ParticipantSchedule",
    "Reflection",
    "ScorePart",
    "SessionCompleted",
    "SessionScheduled",
    "TopicRole",
]
