"""Profile's HTTP API: one router per resource. ``Uow`` is what a route declares to be handed the
unit of work, on a transaction in the caller's institution that commits when the route returns."""

from typing import Annotated

from mesh_profile.adapters.postgres import PostgresProfileUnitOfWork
from mesh_runtime.dependencies import UNIT_OF_WORK

Uow = Annotated[PostgresProfileUnitOfWork, UNIT_OF_WORK]

# After ``Uow``, which the route modules import from here (so each annotates its ``router``: a type
# checker cannot infer it through this cycle).
from mesh_profile.adapters.http import erasures, me, mentoring, participants, programs, reads, roster

ROUTERS = [
    programs.router,
    roster.router,
    participants.router,
    reads.router,
    mentoring.router,
    me.router,
    erasures.router,
]
