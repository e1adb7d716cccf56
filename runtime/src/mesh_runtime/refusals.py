"""What a service's use cases refuse, mapped to HTTP once: each refusal an exception declared in
the service's ``application/errors.py``, its status and problem kind in one table the service's
``bootstrap.py`` hands the runtime. Routes raise nothing of their own and catch nothing."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mesh_runtime.problems import problem_response


@dataclass(frozen=True)
class Refusal:
    """How one kind of refusal is answered: its status and its problem kind (``type``)."""

    status: int
    kind: str
    # Members the problem adds to its words (the rules a join failed), read from the exception.
    members: Callable[[Any], dict[str, Any]] = field(default=lambda _error: {})
    title: str | None = None  # the kind in words; the status's phrase when None
    # Headers of the answer, read from the exception (where the thing already made is: ``Location``).
    headers: Callable[[Any], dict[str, str]] = field(default=lambda _error: {})


RefusalTable = Mapping[type[Exception], Refusal]


def install_refusals(app: FastAPI, refusals: RefusalTable) -> None:
    """Registers each refusal as an exception handler: a subclass is answered as its nearest
    registered ancestor, and the transaction the route was given has been rolled back by then."""
    for error_type, refusal in refusals.items():

        async def answer(request: Request, error: Exception, refusal: Refusal = refusal) -> JSONResponse:
            return problem_response(
                refusal.status,
                str(error),
                kind=refusal.kind,
                title=refusal.title,
                headers=refusal.headers(error) or None,
                **refusal.members(error),
            )

        app.add_exception_handler(error_type, answer)
