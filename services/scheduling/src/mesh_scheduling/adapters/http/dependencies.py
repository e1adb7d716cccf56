"""What scheduling's routes declare to be handed: ``Uow``, the unit of work on a transaction in the
caller's institution that the runtime commits when the route returns (or rolls back on a refusal)."""

from typing import Annotated

from mesh_runtime.dependencies import UNIT_OF_WORK
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork

Uow = Annotated[PostgresSchedulingUnitOfWork, UNIT_OF_WORK]
