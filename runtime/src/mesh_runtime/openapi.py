"""The OpenAPI document says every answer a route can give, the same way in every service.

FastAPI documents a route's own responses, and a 422 shaped as its own validation error. The runtime
answers more than that, and in one shape: a 422 is a ``ValidationProblem``; a guarded route can be
refused 401 (no or a bad token) and 403; a route with an id in its path can find nothing (404); and
any route on the database can answer 503 with Retry-After; a body that is not JSON at all is 400. Each is added here where a route did not
document it, so a client (or schemathesis) can hold every answer against the document.
"""

from typing import Any

from fastapi import FastAPI

from mesh_runtime.problems import PROBLEM_JSON, RETRY_AFTER_SECONDS, ProblemBody, ValidationProblem

REF = "#/components/schemas/{model}"


def _problem(description: str, model: str = "ProblemBody", **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model=model)}}}, **extra}


UNAVAILABLE = _problem(
    "The service's database is unavailable just now.",
    headers={
        "Retry-After": {
            "description": f"Seconds to wait before trying again ({RETRY_AFTER_SECONDS}).",
            "schema": {"type": "integer"},
        }
    },
)

RATE_LIMITED = _problem(
    "Too many requests: a budget of the caller's (its person, its address, or the profile's "
    "changes) is spent for now (a problem of type ...:rate-limited).",
    headers={"Retry-After": {"description": "Whole seconds until a request will be taken again.", "schema": {"type": "integer"}}},
)


def document_every_answer(app: FastAPI) -> None:
    """Wraps ``app.openapi``. A guarded route is one whose operation names a security scheme (the
    bearer token the runtime checks)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ProblemBody, ValidationProblem):
            definition = model.model_json_schema(ref_template=REF)
            schemas.update(definition.pop("$defs", {}))
            schemas[model.__name__] = definition
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                _complete(
                    operation.setdefault("responses", {}),
                    bool(operation.get("security")),
                    "{" in path,
                    "requestBody" in operation,
                    not {"health", "docs"} & set(operation.get("tags", ())),
                )
        _local_times(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to replace the schema


# Every time of day the platform reads or shows is a local wall-clock time (availability, quiet hours):
# "17:00" in, "17:00:00" out, refused with an offset. JSON Schema's format "time" is RFC 3339's
# full-time, which must have one: the document said the opposite of what the API takes and gives
# (schemathesis held a participant's own profile against it). Said as a pattern instead.
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            del node["format"]
            node["pattern"] = LOCAL_TIME_PATTERN
            node.setdefault("description", "A local wall-clock time without an offset.")
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def _complete(responses: dict[str, Any], guarded: bool, has_id: bool, has_body: bool, reads_database: bool) -> None:
    """Every route but the probes, metrics and documents reads the database, guarded (a token) or not (a calendar feed)."""
    if "422" in responses:
        responses["422"] = _problem(
            "The request does not fit the schema, or breaks a rule: the problem says which.", "ValidationProblem"
        )
    if guarded:
        responses.setdefault("401", _problem("No bearer token, or one this service does not accept."))
        responses.setdefault("403", _problem("The caller's role or campus does not allow this."))
    if reads_database:
        responses.setdefault("503", UNAVAILABLE)
        responses.setdefault("429", RATE_LIMITED)  # every route but the probes, metrics and documents is limited
    if has_body:
        responses.setdefault("400", _problem("The body cannot be read as JSON at all."))
    if has_id:
        responses.setdefault("404", _problem("Nothing with that id (in the caller's institution)."))
