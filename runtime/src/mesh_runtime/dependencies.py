"""FastAPI dependencies every service's HTTP adapter uses."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request

from mesh_runtime.app import Components, components_of
from mesh_runtime.db import Cause, UnitOfWork
from mesh_runtime.http import request_cause
from mesh_runtime.identity.http import OPEN_TO_SERVICES, PrincipalDep, authorize, require_role
from mesh_runtime.problems import PROBLEM_JSON, Problem, ProblemBody

__all__ = [
    "OPEN_TO_SERVICES",
    "CauseDep",
    "Problem",
    "ComponentsDep",
    "UNIT_OF_WORK",
    "PrincipalDep",
    "authorize",
    "error_responses",
    "require_role",
]

ComponentsDep = Annotated[Components, Depends(components_of)]
CauseDep = Annotated[Cause, Depends(request_cause)]


async def open_unit_of_work(request: Request, principal: PrincipalDep, cause: CauseDep) -> AsyncIterator[UnitOfWork]:
    """The seam for routes: one transaction in the caller's institution, and on it the service's
    unit of work (``ServiceDefinition.unit_of_work``), caused by the request. It commits when the
    route returns, before the answer is sent; a refusal or any error rolls it back."""
    components = components_of(request)
    async with components.database.transaction(principal.institution) as transaction:
        yield request.app.state.unit_of_work.of(transaction, cause, components)


# ``Uow = Annotated[PostgresMatchingUnitOfWork, UNIT_OF_WORK]``: "function" scope closes the
# transaction when the route returns, so a failed commit is the caller's 503, not a lost write.
UNIT_OF_WORK = Depends(open_unit_of_work, scope="function")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the 4xx answers a route gives: each a problem (RFC 9457)."""
    return {code: {"model": ProblemBody, "content": {PROBLEM_JSON: {}}} for code in codes}
