"""L10: a request body over the limit is refused with 413 as a problem, before any route reads it."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request

from mesh_runtime.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimitMiddleware
from mesh_runtime.problems import PROBLEM_JSON

LIMIT = 1000


def app_with_limit(limit: int = LIMIT) -> tuple[FastAPI, list[bytes]]:
    app = FastAPI()
    seen: list[bytes] = []

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        seen.append(await request.body())
        return {"length": len(seen[-1])}

    app.add_middleware(BodyLimitMiddleware, max_bytes=limit)
    return app, seen


async def post(app: FastAPI, content: bytes | AsyncIterator[bytes], headers: dict | None = None) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        return await client.post("/echo", content=content, headers=headers)


async def test_l10_a_body_over_the_limit_is_a_413_problem_and_the_route_never_runs() -> None:
    app, seen = app_with_limit()
    response = await post(app, b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"] == "urn:mentoringmesh:problem:body-too-large" and body["status"] == 413
    assert body["max_bytes"] == LIMIT and "1,000 bytes" in body["detail"]
    assert seen == []


async def test_l10_a_chunked_body_without_a_length_is_counted_as_it_comes() -> None:
    app, seen = app_with_limit()

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"y" * 100

    response = await post(app, chunks())
    assert response.status_code == 413 and seen == []


async def test_l10_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    app, seen = app_with_limit()

    async def never_read() -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")
        yield b""  # pragma: no cover

    response = await post(app, never_read(), headers={"Content-Length": str(LIMIT * 10)})
    assert response.status_code == 413 and seen == []


@pytest.mark.parametrize("size", [0, 1, LIMIT])
async def test_l10_a_body_within_the_limit_reaches_the_route_unchanged(size: int) -> None:
    app, seen = app_with_limit()
    payload = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    response = await post(app, payload)
    assert response.status_code == 200 and response.json() == {"length": size}
    assert seen == [payload]


async def test_l10_chunks_within_the_limit_reach_the_route_whole() -> None:
    app, seen = app_with_limit()

    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"ab", b"", b"cd"):
            yield part

    response = await post(app, chunks())
    assert response.status_code == 200 and seen == [b"abcd"]


def test_l10_the_default_limit_is_one_mebibyte_and_a_limit_is_positive() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 1024 * 1024
    with pytest.raises(ValueError):
        BodyLimitMiddleware(FastAPI(), max_bytes=0)
