"""JSON request bodies hold finite numbers only: ``NaN``, ``Infinity`` and ``-Infinity`` are refused
with 422, whatever field or nested value they are in.

They are not JSON (RFC 8259), but Python's ``json``, which Starlette parses bodies with, takes them
as floats. A model then refuses them only where it says so, and one that slips through (a value of
an open dict) fails at the jsonb write: a 500."""

import json
from email.message import Message as HeaderMessage

from starlette.types import ASGIApp, Receive, Scope, Send

from mesh_runtime.body_limit import body_of, read_body, replaying
from mesh_runtime.problems import FieldError, problem_response

# Every non-finite literal holds one of these: a body without them needs no second parse.
NON_FINITE_MARKS = (b"NaN", b"Infinity")
MESSAGE = "JSON numbers are finite: NaN, Infinity and -Infinity are not JSON"


class _NonFinite(Exception):
    pass


def _refuse_constant(name: str) -> float:
    raise _NonFinite(name)


def holds_non_finite(body: bytes) -> bool:
    """Whether ``body``, read as JSON, holds a NaN or an infinity; text that is no JSON does not
    (the route answers it as it always has)."""
    if not any(mark in body for mark in NON_FINITE_MARKS):
        return False
    try:
        json.loads(body, parse_constant=_refuse_constant)
    except _NonFinite:
        return True
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep: the route's to refuse
        return False
    return False  # the marks were inside strings


class StrictJsonMiddleware:
    """Answers 422 (``invalid-request``, like any body that does not fit the schema) to a JSON body
    holding NaN or an infinity; every other request reaches the app unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _read_as_json(scope):
            await self.app(scope, receive, send)
            return
        messages = await read_body(receive)  # bounded by the body limit, registered outside this
        if holds_non_finite(body_of(messages)):
            error = FieldError(location="body", message=MESSAGE, type="finite_number")
            response = problem_response(
                422,
                f"the request does not fit the schema: body: {MESSAGE}",
                kind="invalid-request",
                title="Invalid request",
                errors=[error.model_dump()],
            )
            await response(scope, replaying(messages, receive), send)
            return
        await self.app(scope, replaying(messages, receive), send)


def _read_as_json(scope: Scope) -> bool:
    """As FastAPI decides to parse a body as JSON: no content type, or application/json or +json."""
    content_type = next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"content-type"), None)
    if not content_type:
        return True
    header = HeaderMessage()
    header["content-type"] = content_type
    return header.get_content_maintype() == "application" and (
        header.get_content_subtype() == "json" or header.get_content_subtype().endswith("+json")
    )
