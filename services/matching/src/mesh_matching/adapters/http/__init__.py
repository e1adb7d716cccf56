"""Matching's HTTP API: one router per resource. Each route is given a ready unit of work (``Uow``)
in the caller's institution, committed when it returns; it reads through ``queries*``, and what a
use case refuses is answered by ``refusals.REFUSALS``."""

from typing import Annotated

from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_runtime.dependencies import UNIT_OF_WORK

Uow = Annotated[PostgresMatchingUnitOfWork, UNIT_OF_WORK]

# After ``Uow``: each router's module declares its routes with it.
from mesh_matching.adapters.http import (
    attention,
    coordinator_pairs,
    directory,
    health,
    institution_health,
    matches,
    policies,
    round_previews,
    rounds,
    selection,
)

ROUTERS = [
    matches.router,
    policies.router,
    rounds.router,
    round_previews.router,
    selection.router,
    health.router,
    attention.router,
    institution_health.router,
    coordinator_pairs.router,
    directory.router,
]
