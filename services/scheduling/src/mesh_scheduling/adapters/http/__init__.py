"""Scheduling's HTTP API: one router per resource. Each route is given a ready unit of work (``Uow``)
in the caller's institution, committed when it returns; what a use case refuses is answered by
``refusals.REFUSALS``."""

from typing import Annotated

from mesh_runtime.dependencies import UNIT_OF_WORK
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork

Uow = Annotated[PostgresSchedulingUnitOfWork, UNIT_OF_WORK]

# After ``Uow``: each router's module declares its routes with it (and annotates its ``router``, which
# mypy cannot infer through this cycle).
from mesh_scheduling.adapters.http import agreements, calendar, pair, session_changes, sessions

ROUTERS = [sessions.router, session_changes.router, agreements.router, pair.router, calendar.router]
# A private calendar feed: its URL is the credential, so no bearer token.
PUBLIC_ROUTERS = [calendar.public_router]
