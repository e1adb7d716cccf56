"""The one place the profile service is wired together."""

from mentoring_contracts import (
    ParticipantErased,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantProfileUpdated,
    ProgramClosed,
    ProgramCreated,
    ProgramUpdated,
)
from mesh_profile.adapters.events import HANDLERS
from mesh_profile.adapters.http import ROUTERS
from mesh_profile.adapters.http.refusals import REFUSALS
from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_profile.settings import ProfileSettings
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="profile",
    title="Mentoring Mesh: profile",
    description="Institutions run mentoring programs with their own rules; participants join them, keep their profile current, leave, and have their "
    "personal data erased.",
    migrations_package="mesh_profile.migrations",
    routers=ROUTERS,
    unit_of_work=PostgresProfileUnitOfWork,
    handlers=HANDLERS,
    refusals=REFUSALS,
    publishes=[
        ProgramCreated,
        ProgramUpdated,
        ProgramClosed,
        ParticipantJoined,
        ParticipantProfileUpdated,
        ParticipantLeft,
        ParticipantErased,
    ],
    settings_class=ProfileSettings,
)
