"""The one place the notify service is wired together."""

from mentoring_contracts import NotificationFailed, NotificationSent, ParticipantErased, ParticipantErasureConfirmed
from mesh_notify.adapters.delivery import delivery_worker
from mesh_notify.adapters.digest_http import router as digest_router
from mesh_notify.adapters.digests import digest_worker
from mesh_notify.adapters.events import PLANNED_FROM, event_handlers
from mesh_notify.adapters.http import router
from mesh_notify.adapters.inbox_http import router as inbox_router
from mesh_notify.adapters.preferences_http import router as preferences_router
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.settings import NotifySettings
from mesh_runtime.app import Components, ServiceDefinition
from mesh_runtime.workers import PeriodicWorker


def _workers(components: Components) -> list[PeriodicWorker]:
    settings = components.settings
    assert isinstance(settings, NotifySettings)
    mailer = SmtpMailer(settings)
    return [delivery_worker(components, mailer), digest_worker(components, mailer)]


DEFINITION = ServiceDefinition(
    name="notify",
    title="Mentoring Mesh: notify",
    description="Emails participants at each step of their journey (with calendar invitations), reminds them "
    "before sessions, honours their preferences, records every delivery, and keeps each "
    "participant's inbox of what was sent to them, read or unread.",
    migrations_package="mesh_notify.migrations",
    routers=[router, inbox_router, preferences_router, digest_router],
    handlers=event_handlers,
    consumes=[ParticipantErased, *PLANNED_FROM],
    publishes=[NotificationSent, NotificationFailed, ParticipantErasureConfirmed],
    workers=_workers,
    reads_from=["profile", "matching"],
    settings_class=NotifySettings,
)
