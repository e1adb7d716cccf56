"""Refusals as RFC 9457 problem details (``application/problem+json``), the same in every service.

Every ``HTTPException`` a route raises is answered as a problem: ``type``, ``title``, ``status`` and
``detail`` (the words it was raised with), plus any members a ``Problem`` adds, such as the rules a
join failed. A client that read ``detail`` before still finds it there."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:mentoringmesh:problem:"  # + the problem's kind; about:blank when it has none


class Problem(HTTPException):
    """A refusal with a kind of its own (``type``) and members that say more than words."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **members: Any,
    ) -> None:
        super().__init__(status, detail=detail, headers=headers)
        self.kind = kind
        self.title = title
        self.members = members


class ProblemBody(BaseModel):
    """What every 4xx answer carries."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description=f"What kind of problem: {PROBLEM_TYPE}<kind>, e.g. not-found, forbidden, invalid-request, or a "
        "refusal's own kind (program-closed), which may add members of its own.",
    )
    title: str = Field(description="The kind of problem, in words.", examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(description="This occurrence, in words.", examples=["no participant 0b7c6f2e-…"])


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> JSONResponse:
    body = {
        "type": f"{PROBLEM_TYPE}{kind}" if kind else "about:blank",
        "title": title or _phrase(status),
        "status": status,
        "detail": detail,
        **members,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


async def http_exception_as_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else _phrase(error.status_code)
    if isinstance(error, Problem):
        return problem_response(
            error.status_code, detail, kind=error.kind, title=error.title, headers=error.headers, **error.members
        )
    return problem_response(
        error.status_code, detail, kind=KIND_OF_STATUS.get(error.status_code), headers=getattr(error, "headers", None)
    )


# Every 4xx says its kind: a refusal raised without one of its own takes its status's.
KIND_OF_STATUS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    410: "gone",
    413: "body-too-large",
    415: "unsupported-media-type",
    422: "invalid-request",
    429: "too-many-requests",
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


RETRY_AFTER_SECONDS = 5


async def unavailable_as_problem(request: Request, error: Exception) -> JSONResponse:
    """The database is down: 503 and when to try again, never a 500 nor a hang."""
    return problem_response(
        503,
        "the service's database is unavailable just now; try again shortly",
        kind="unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class FieldError(BaseModel):
    location: str = Field(
        description="Where in the request, dotted: body.weekly_availability.0.start, query.limit.", examples=["body.email"]
    )
    message: str = Field(examples=["value is not a valid email address"])
    type: str = Field(description="The kind of error (pydantic's error type).", examples=["value_error"])


class ValidationProblem(ProblemBody):
    """A request that does not fit the documented schema: each error, where and why."""

    errors: list[FieldError] = Field(default_factory=list)


SHOWN_IN_DETAIL = 3  # the first errors are in ``detail`` too, for clients that print only that


async def validation_error_as_problem(request: Request, error: Exception) -> JSONResponse:
    """422: the request does not fit the schema; ``errors`` says where and why, without echoing input."""
    assert isinstance(error, RequestValidationError)
    errors = [
        FieldError(
            location=".".join(str(part) for part in item.get("loc", ())) or "request",
            message=str(item.get("msg", "invalid")),
            type=str(item.get("type", "invalid")),
        )
        for item in error.errors()
    ]
    shown = "; ".join(f"{e.location}: {e.message}" for e in errors[:SHOWN_IN_DETAIL])
    more = f" (and {len(errors) - SHOWN_IN_DETAIL} more)" if len(errors) > SHOWN_IN_DETAIL else ""
    return problem_response(
        422,
        f"the request does not fit the schema: {shown}{more}",
        kind="invalid-request",
        title="Invalid request",
        errors=[e.model_dump() for e in errors],
    )


async def unstorable_text_as_problem(request: Request, error: Exception) -> JSONResponse:
    """422: text PostgreSQL cannot hold (the NUL character, ``\\u0000``, anywhere in a string or a
    JSON value). Whatever field it came in, the transaction it reached is rolled back whole."""
    message = "text may not contain the NUL character (\\u0000)"
    return problem_response(
        422,
        f"the request does not fit the schema: {message}",
        kind="invalid-request",
        title="Invalid request",
        errors=[FieldError(location="request", message=message, type="nul_character").model_dump()],
    )
