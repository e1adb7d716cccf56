"""The one place the profile service is wired together."""

from mentoring_contracts import ParticipantJoined, ParticipantLeft, ParticipantProfileUpdated
from mesh_profile.adapters.http import router
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="profile",
    title="Mentoring Mesh: profile",
    description="Participants join mentoring programs, keep their profile current, and leave.",
    migrations_package="mesh_profile.migrations",
    routers=[router],
    publishes=[ParticipantJoined, ParticipantProfileUpdated, ParticipantLeft],
)
