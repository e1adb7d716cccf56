"""What profile's routes declare to be handed: ``Uow``, the unit of work on a transaction in the
caller's institution that the runtime commits when the route returns (or rolls back on a refusal)."""

from typing import Annotated

from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_runtime.dependencies import UNIT_OF_WORK

Uow = Annotated[PostgresProfileUnitOfWork, UNIT_OF_WORK]
