"""What token verification adds to a request, with the issuer's key cached.

The same route is called in-process through the ASGI stack with and without the runtime's
``authenticate`` dependency; the difference of the per-request latencies is what verification costs
(signature, claims, principal). Also prints verify() alone. Prints one readable line and one JSON line
per figure, with the target (p99 under 1 ms) beside it. Usage: python -m benchmarks.token_verification [requests]
"""

import asyncio
import json
import statistics
import sys
import time

import httpx
from fastapi import APIRouter, Depends, FastAPI

from mesh_runtime.identity.http import authenticate
from mesh_runtime.identity.keys import IssuerKeys
from mesh_runtime.identity.tokens import TokenVerifier
from tests.support.identity import LocalIssuer, bearer

TARGET_P99_MS = 1.0


def app_with(verifier: TokenVerifier) -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = verifier
    open_routes, protected = APIRouter(), APIRouter()

    @open_routes.get("/open")
    async def open_route() -> dict[str, bool]:
        return {"ok": True}

    @protected.get("/protected")
    async def protected_route() -> dict[str, bool]:
        return {"ok": True}

    app.include_router(open_routes)
    app.include_router(protected, dependencies=[Depends(authenticate)])
    return app


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


async def timed(call, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def measure(issuer: LocalIssuer, algorithm: str, count: int) -> dict[str, object]:
    verifier = TokenVerifier(IssuerKeys(issuer.url), "mesh-profile")
    await verifier.keys.refresh()
    token = issuer.token(audience="mesh-profile", algorithm=algorithm, lifetime=3600)
    headers = bearer(token)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_with(verifier)), base_url="http://bench") as client:
        for _ in range(200):  # warm both paths
            assert (await client.get("/protected", headers=headers)).status_code == 200
            await client.get("/open", headers=headers)
        protected, baseline = [], []
        for _ in range(count):  # interleaved, so both see the same machine noise
            protected += await timed(lambda: client.get("/protected", headers=headers), 1)
            baseline += await timed(lambda: client.get("/open", headers=headers), 1)
    alone = await timed(lambda: verifier.verify(token), count)
    await verifier.keys.close()
    (p50, p99), (b50, b99), (v50, v99) = percentiles(protected), percentiles(baseline), percentiles(alone)
    return {
        "figure": "token_verification_added_latency_ms",
        "algorithm": algorithm,
        "p50": round(p50 - b50, 3),
        "p99": round(p99 - b99, 3),
        "verify_alone_p50": round(v50, 3),
        "verify_alone_p99": round(v99, 3),
        "request_without_auth_p50": round(b50, 3),
        "requests": count,
        "target_p99_ms": TARGET_P99_MS,
    }


async def run(count: int) -> list[dict[str, object]]:
    issuer = LocalIssuer()
    try:
        return [await measure(issuer, algorithm, count) for algorithm in ("RS256", "ES256")]
    finally:
        issuer.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    for figure in asyncio.run(run(count)):
        print(
            f"token verification ({figure['algorithm']}, cached key): adds p50 {figure['p50']:.3f} ms, "
            f"p99 {figure['p99']:.3f} ms per request (target p99 < {TARGET_P99_MS} ms); verify() alone "
            f"p50 {figure['verify_alone_p50']:.3f} ms, p99 {figure['verify_alone_p99']:.3f} ms; "
            f"request without auth p50 {figure['request_without_auth_p50']:.3f} ms"
        )
        print(json.dumps(figure))


if __name__ == "__main__":
    main()
