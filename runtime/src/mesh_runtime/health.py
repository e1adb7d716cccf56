"""Liveness and readiness endpoints, the same in every service.

A failed check answers with a fixed reason per check; the exception's text, which may name hosts,
users or a DSN, goes only to the log (the probes answer without a token)."""

import asyncio
from typing import Any

import structlog
from fastapi import APIRouter, Request, Response, status

log = structlog.get_logger(__name__)
router = APIRouter(tags=["health"])
PROBE_TIMEOUT_SECONDS = 3.0


@router.get("/health/live", summary="The process is up and its event loop answers.")
async def live() -> dict[str, str]:
    return {"status": "alive"}


@router.get(
    "/health/ready",
    summary="The service can do its work: database and broker reachable, not draining.",
    responses={
        503: {
            "description": "Not ready: the same body, each check saying what failed (or draining).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def ready(request: Request, response: Response) -> dict[str, Any]:
    components = request.app.state.components
    checks: dict[str, str] = {}
    if components.draining:
        checks["draining"] = "shutting down"
    checks["database"] = await _check("database", components.database.check())
    checks["broker"] = await _check("broker", _ping(components.broker))
    healthy = all(value == "ok" for value in checks.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ready" if healthy else "not ready", "checks": checks}


async def _ping(broker: Any) -> None:
    if not await broker.ping(timeout=2.0):
        raise ConnectionError("Kafka did not answer")


async def _check(name: str, probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, timeout=PROBE_TIMEOUT_SECONDS)
    except TimeoutError:
        log.warning("readiness check timed out", check=name, timeout_seconds=PROBE_TIMEOUT_SECONDS)
        return f"failed: no answer within {PROBE_TIMEOUT_SECONDS:g} s"
    except Exception as error:  # noqa: BLE001 - reported in the probe, never raised
        log.warning("readiness check failed", check=name, error=f"{type(error).__name__}: {error}")
        return "failed: unreachable"
    return "ok"
