"""The one place the profile service is wired together."""

from mentoring_contracts import (
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantProfileUpdated,
)
from mesh_profile.adapters.events import event_handlers
from mesh_profile.adapters.http import router
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="profile",
    title="Mentoring Mesh: profile",
    description="Participants join mentoring programs, keep their profile current, leave, and have their "
                "personal data erased.",
    migrations_package="mesh_profile.migrations",
    routers=[router],
    handlers=event_handlers,
    publishes=[ParticipantJoined, ParticipantProfileUpdated, ParticipantLeft, ParticipantErased],
    consumes=[ParticipantErasureConfirmed],
)
