"""The one place the scheduling service is wired together."""

from mentoring_contracts import (
    AgreementProposed,
    AgreementSet,
    MatchAccepted,
    MatchAcceptedV1,
    MatchEnded,
    MatchEndedV1,
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantLeft,
    ParticipantLeftV1,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)
from mesh_runtime.app import ServiceDefinition
from mesh_scheduling.adapters.agreements_http import router as agreements_router
from mesh_scheduling.adapters.calendar_http import public_router as feed_router
from mesh_scheduling.adapters.calendar_http import router as calendar_router
from mesh_scheduling.adapters.events import event_handlers
from mesh_scheduling.adapters.http import router
from mesh_scheduling.adapters.missed_sessions import missed_sessions_worker
from mesh_scheduling.adapters.pair_http import router as pair_router
from mesh_scheduling.adapters.session_changes_http import router as session_changes_router
from mesh_scheduling.settings import SchedulingSettings

DEFINITION = ServiceDefinition(
    name="scheduling",
    title="Mentoring Mesh: scheduling",
    description="Keeps formed pairs' agreements and their recurring sessions inside both weekly availabilities: "
    "moved, cancelled, done or missed; private calendar feeds.",
    migrations_package="mesh_scheduling.migrations",
    routers=[router, session_changes_router, agreements_router, pair_router, calendar_router],
    public_routers=[feed_router],
    handlers=event_handlers,
    consumes=[
        MatchAccepted,
        MatchEnded,
        ParticipantErased,
        ParticipantLeft,
        MatchAcceptedV1,
        MatchEndedV1,
        ParticipantLeftV1,
    ],  # v1: history from before 2.0
    publishes=[
        AgreementProposed,
        AgreementSet,
        SessionScheduled,
        SessionRescheduled,
        SessionCompleted,
        SessionCancelled,
        SessionMissed,
        ParticipantErasureConfirmed,
    ],
    workers=lambda components: [missed_sessions_worker(components)],
    settings_class=SchedulingSettings,
    reads_from=["profile"],
)
