"""FastAPI dependencies every service's HTTP adapter uses."""

from typing import Annotated, Any

from fastapi import Depends

from mesh_runtime.app import Components, components_of
from mesh_runtime.db import Cause
from mesh_runtime.http import request_cause
from mesh_runtime.identity.http import OPEN_TO_SERVICES, PrincipalDep, authorize, require_role
from mesh_runtime.problems import PROBLEM_JSON, Problem, ProblemBody

__all__ = [
    "OPEN_TO_SERVICES",
    "CauseDep",
    "Problem",
    "ComponentsDep",
    "PrincipalDep",
    "authorize",
    "error_responses",
    "require_role",
]

ComponentsDep = Annotated[Components, Depends(components_of)]
CauseDep = Annotated[Cause, Depends(request_cause)]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the 4xx answers a route gives: each a problem (RFC 9457)."""
    return {code: {"model": ProblemBody, "content": {PROBLEM_JSON: {}}} for code in codes}
