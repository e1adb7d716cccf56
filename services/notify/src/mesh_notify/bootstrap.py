"""The one place the notify service is wired together."""

from mentoring_contracts import NotificationFailed, NotificationSent, ParticipantErasureConfirmed
from mesh_notify.adapters.events import HANDLERS
from mesh_notify.adapters.http import ROUTERS
from mesh_notify.adapters.http.refusals import REFUSALS
from mesh_notify.adapters.peers import NotifyPeers, prefetch
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.adapters.workers import workers
from mesh_notify.settings import NotifySettings
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="notify",
    title="Mentoring Mesh: notify",
    description="Emails participants at each step of their journey (with calendar invitations), reminds them "
    "before sessions, honours their preferences, records every delivery, and keeps each "
    "participant's inbox of what was sent to them, read or unread.",
    migrations_package="mesh_notify.migrations",
    routers=ROUTERS,
    unit_of_work=PostgresNotifyUnitOfWork,
    handlers=HANDLERS,
    refusals=REFUSALS,
    peers=NotifyPeers.of,
    prefetch=prefetch,
    publishes=[NotificationSent, NotificationFailed, ParticipantErasureConfirmed],
    workers=workers,
    reads_from=["profile", "matching"],
    settings_class=NotifySettings,
)
