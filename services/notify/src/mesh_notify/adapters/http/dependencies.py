"""What notify's routes declare to be handed: ``Uow``, the unit of work on a transaction in the
caller's institution that the runtime commits when the route returns (or rolls back on a refusal)."""

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
