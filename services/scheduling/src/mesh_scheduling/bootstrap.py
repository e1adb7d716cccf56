"""The one place the scheduling service is wired together."""

from mentoring_contracts import (
    AgreementProposed,
    AgreementSet,
    ParticipantErasureConfirmed,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)
from mesh_runtime.app import ServiceDefinition
from mesh_scheduling.adapters.events import HANDLERS
from mesh_scheduling.adapters.http import PUBLIC_ROUTERS, ROUTERS
from mesh_scheduling.adapters.http.refusals import REFUSALS
from mesh_scheduling.adapters.peers import peers, prefetch
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.adapters.workers import workers
from mesh_scheduling.settings import SchedulingSettings

DEFINITION = ServiceDefinition(
    name="scheduling",
    title="Mentoring Mesh: scheduling",
    description="Keeps formed pairs' agreements and their recurring sessions inside both weekly availabilities: "
    "moved, cancelled, done or missed; private calendar feeds.",
    migrations_package="mesh_scheduling.migrations",
    routers=ROUTERS,
    public_routers=PUBLIC_ROUTERS,
    unit_of_work=PostgresSchedulingUnitOfWork,
    handlers=HANDLERS,
    refusals=REFUSALS,
    peers=peers,
    prefetch=prefetch,
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
    workers=workers,
    settings_class=SchedulingSettings,
    reads_from=["profile"],
)
