"""The one place the profile service is wired together."""

from mentoring_contracts import (
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantProfileUpdated,
    ProgramClosed,
    ProgramCreated,
    ProgramUpdated,
)
from mesh_profile.adapters.erasures_http import router as erasures_router
from mesh_profile.adapters.events import event_handlers
from mesh_profile.adapters.http import router
from mesh_profile.adapters.me_http import router as me_router
from mesh_profile.adapters.mentoring_http import router as mentoring_router
from mesh_profile.adapters.programs_http import router as programs_router
from mesh_profile.adapters.reads_http import router as reads_router
from mesh_profile.adapters.roster_http import router as roster_router
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="profile",
    title="Mentoring Mesh: profile",
    description="Institutions run mentoring programs with their own rules; participants join them, keep their profile current, leave, and have their "
    "personal data erased.",
    migrations_package="mesh_profile.migrations",
    routers=[programs_router, roster_router, router, reads_router, mentoring_router, me_router, erasures_router],
    handlers=event_handlers,
    publishes=[
        ProgramCreated,
        ProgramUpdated,
        ProgramClosed,
        ParticipantJoined,
        ParticipantProfileUpdated,
        ParticipantLeft,
        ParticipantErased,
    ],
    consumes=[ParticipantErasureConfirmed],
)
