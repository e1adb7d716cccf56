"""Notify's HTTP API: one router per resource. Each route is given a ready unit of work (``Uow``)
in the caller's institution, committed when it returns; what a use case refuses is answered by
``refusals.REFUSALS``."""

from typing import Annotated

from fastapi import Depends

from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.domain.messages import Links
from mesh_notify.settings import NotifySettings
from mesh_runtime.dependencies import UNIT_OF_WORK, ComponentsDep

Uow = Annotated[PostgresNotifyUnitOfWork, UNIT_OF_WORK]


def _links(components: ComponentsDep) -> Links:
    return NotifySettings.of(components).links


# Where a mail's links point, for the subject and text a notification is shown with.
LinksDep = Annotated[Links, Depends(_links)]

# After ``Uow``: each router's module declares its routes with it (and annotates its ``router``, which
# mypy cannot infer through this cycle).
from mesh_notify.adapters.http import digest, inbox, notifications, preferences

ROUTERS = [notifications.router, inbox.router, preferences.router, digest.router]
