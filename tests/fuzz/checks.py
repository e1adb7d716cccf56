"""The platform's own check and hooks for schemathesis (loaded through SCHEMATHESIS_HOOKS).

- ``problem_details``: every 4xx answer is an RFC 9457 problem (``application/problem+json``) that says
  what was wrong.
- ``map_case``: real ids in place of generated ones. tests/fuzz/run.py seeds the platform before each
  run and names a JSON file in ``MESH_FUZZ_IDS``: ``ids`` (parameter name -> real values), ``expendable``
  (the same, for the ``destructive`` operations, so they do not end what the rest of the run reaches)
  and ``share`` (how often a real value is sent). Each path parameter, query parameter and top-level
  body member so named takes a real value that often, unless that part of the case was generated
  invalid on purpose (negative) or is the parameter the coverage phase is varying. The choice is a
  hash of the generated value, so a seed still reproduces its run on the same ids.
"""

import json
import os
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase


@schemathesis.check
def problem_details(ctx, response, case) -> None:  # type: ignore[no-untyped-def]
    """A 4xx is a problem with type, title, its own status and a detail in words."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered as {content_type or 'no content type'}, not a problem")
    try:
        body = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"{response.status_code} problem is not JSON: {error}") from error
    missing = [member for member in ("type", "title", "status", "detail") if not body.get(member)]
    if missing:
        raise AssertionError(f"{response.status_code} problem lacks {', '.join(missing)}: {body}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem says status {body['status']} but the answer is {response.status_code}")
    if not isinstance(body["detail"], str) or len(body["detail"].strip()) < 5:
        raise AssertionError(f"{response.status_code} problem does not say what was wrong: {body['detail']!r}")
    return None


@cache
def seeded() -> dict[str, Any]:
    """The run's ids (an empty set when the run named none)."""
    named = os.environ.get("MESH_FUZZ_IDS")
    return json.loads(Path(named).read_text()) if named else {}  # read once per process


# Bodies whose member of that name makes something new: a real (existing) value would only be a conflict.
CREATES = {("POST", "/programs"): {"program_id"}}


def real(label: str, name: str, generated: Any, pool: dict[str, list[Any]], share: float) -> Any:
    """A real value for ``name`` most of the time (``share``), else the generated one; by a hash of both."""
    values = pool.get(name) or []
    if not values:
        return generated
    digest = zlib.crc32(repr((label, name, generated)).encode())
    return values[(digest // 1000) % len(values)] if digest % 1000 < share * 1000 else generated


@schemathesis.hook
def map_case(context, case):  # type: ignore[no-untyped-def]
    world = seeded()
    if not world.get("ids"):
        return case
    operation = case.operation
    label = f"{operation.method.upper()} {operation.path}"
    pool = world["ids"] | world["expendable"] if label in world.get("destructive", ()) else world["ids"]
    share = float(world.get("share", 0.8))
    meta = case.meta
    varied = None
    if meta is not None and meta.phase.name == TestPhase.COVERAGE:
        varied = (meta.phase.data.parameter_location, meta.phase.data.parameter)

    def untouched(location: ParameterLocation) -> bool:
        return meta is None or not meta.is_negative_at(location)

    for location, container in ((ParameterLocation.PATH, "path_parameters"), (ParameterLocation.QUERY, "query")):
        given = getattr(case, container)
        if given and untouched(location) and any(name in pool for name in given):
            setattr(
                case,
                container,
                {
                    name: value if varied == (location, name) else real(label, name, value, pool, share)
                    for name, value in given.items()
                },
            )
    body = case.body
    if isinstance(body, dict) and untouched(ParameterLocation.BODY):
        keep = CREATES.get((operation.method.upper(), operation.path), set()) | {
            name for location, name in ([varied] if varied else []) if location == ParameterLocation.BODY
        }
        if any(name in pool and name not in keep for name in body):
            case.body = {name: value if name in keep else real(label, name, value, pool, share) for name, value in body.items()}
    return case
