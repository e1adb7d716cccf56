"""The one place the scheduling service is wired together."""

from mentoring_contracts import (
    MatchAccepted,
    MatchAcceptedV1,
    MatchEnded,
    MatchEndedV1,
    ParticipantErased,
    ParticipantErasureConfirmed,
    SessionCancelled,
    SessionCompleted,
    SessionScheduled,
)
from mesh_runtime.app import ServiceDefinition
from mesh_scheduling.adapters.events import event_handlers
from mesh_scheduling.adapters.http import router

DEFINITION = ServiceDefinition(
    name="scheduling",
    title="Mentoring Mesh: scheduling",
    description="Schedules formed pairs' sessions inside their shared weekly availability; records sessions done.",
    migrations_package="mesh_scheduling.migrations",
    routers=[router],
    handlers=event_handlers,
    consumes=[MatchAccepted, MatchEnded, ParticipantErased, MatchAcceptedV1, MatchEndedV1],  # v1: history from before 2.0
    publishes=[SessionScheduled, SessionCompleted, SessionCancelled, ParticipantErasureConfirmed],
    reads_from=["profile"],
)
