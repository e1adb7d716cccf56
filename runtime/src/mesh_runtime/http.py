"""HTTP plumbing every service's API shares: correlation ids and error bodies."""

from collections.abc import Awaitable, Callable
from uuid import UUID, uuid4

import structlog
from fastapi import Request, Response

from mesh_runtime.db import Cause
from mesh_runtime.identity.http import PrincipalDep

CORRELATION_HEADER = "X-Correlation-ID"


def request_cause(request: Request, principal: PrincipalDep) -> Cause:
    """FastAPI dependency: events emitted for this request carry its correlation id and the caller's institution."""
    return Cause(correlation_id=request.state.correlation_id, institution=principal.institution)


async def correlation_middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Takes the caller's X-Correlation-ID (a UUID) or starts a new one; echoes it back."""
    supplied = request.headers.get(CORRELATION_HEADER)
    try:
        correlation_id = UUID(supplied) if supplied else uuid4()
    except ValueError:
        correlation_id = uuid4()
    request.state.correlation_id = correlation_id
    with structlog.contextvars.bound_contextvars(correlation_id=str(correlation_id)):
        response = await call_next(request)
    response.headers[CORRELATION_HEADER] = str(correlation_id)
    return response
