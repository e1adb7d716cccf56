"""What every step of the demo journey shares: waiting for the platform, and calling it as someone."""

import asyncio
import time
from typing import Any

import httpx


class JourneyError(RuntimeError):
    pass


async def eventually(probe, what: str, timeout: float = 60.0, interval: float = 0.3):  # type: ignore[no-untyped-def]
    """The probe's first truthy answer; a JourneyError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await probe()
        if result:
            return result
        await asyncio.sleep(interval)
    raise JourneyError(f"timed out after {timeout:.0f}s waiting for {what}")


def as_(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def call(
    http: httpx.AsyncClient, method: str, url: str, token: str, what: str, body: Any = None, expect: tuple[int, ...] = (200,)
) -> Any:
    """One request as the token's owner; a JourneyError saying what failed and how."""
    response = await http.request(method, url, json=body, headers=as_(token))
    if response.status_code not in expect:
        raise JourneyError(f"{what} failed: {response.status_code} {response.text}")
    return response.json() if response.content else None
