"""L2: NaN and Infinity in a JSON body are a 422 problem wherever they are, not a 500 at the jsonb write."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from mesh_runtime.body_limit import BodyLimitMiddleware
from mesh_runtime.problems import PROBLEM_JSON, validation_error_as_problem
from mesh_runtime.strict_json import StrictJsonMiddleware, holds_non_finite


def strict_app() -> tuple[FastAPI, list[Any]]:
    app = FastAPI()
    seen: list[Any] = []

    @app.put("/anything")
    async def anything(body: dict[str, Any]) -> dict:  # an open dict: no model refuses NaN here
        seen.append(body)
        return {"ok": True}

    app.add_exception_handler(RequestValidationError, validation_error_as_problem)
    app.add_middleware(StrictJsonMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=10_000)  # as registered: the limit outside
    return app, seen


async def put(app: FastAPI, content: bytes, content_type: str | None = "application/json") -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        return await client.put("/anything", content=content, headers=headers)


@pytest.mark.parametrize(
    "body",
    [
        b'{"weights":{"goals":Infinity}}',
        b'{"a":NaN}',
        b'{"a":-Infinity}',
        b'{"a":[1,2,{"b":[NaN]}]}',
        b'{"x":"NaN","y":Infinity}',
    ],
)
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/merge-patch+json", None, "application/json; charset=utf-8"]
)
async def test_l2_a_non_finite_number_anywhere_in_a_json_body_is_a_422_problem(body: bytes, content_type: str | None) -> None:
    app, seen = strict_app()
    response = await put(app, body, content_type)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "urn:mentoringmesh:problem:invalid-request"
    assert problem["errors"] == [
        {
            "location": "body",
            "message": "JSON numbers are finite: NaN, Infinity and -Infinity are not JSON",
            "type": "finite_number",
        }
    ]
    assert seen == []


@pytest.mark.parametrize("body", [b'{"name":"NaN","note":"Infinity and beyond"}', b'{"a":1.5e300,"b":-0.0}', b"{}"])
async def test_l2_the_words_nan_and_infinity_in_strings_and_finite_numbers_pass(body: bytes) -> None:
    app, seen = strict_app()
    response = await put(app, body)
    assert response.status_code == 200, response.text
    assert len(seen) == 1


async def test_l2_a_body_that_is_no_json_is_left_to_the_route() -> None:
    app, _ = strict_app()
    response = await put(app, b'{"a": "NaN"')  # broken JSON: the route's own 422, json_invalid
    assert response.status_code == 422 and response.json()["errors"][0]["type"] == "json_invalid"
    half = await put(app, b'{"a": NaN')  # refused either way
    assert half.status_code == 422


async def test_l2_a_body_of_another_media_type_is_not_read_as_json() -> None:
    app, _ = strict_app()
    response = await put(app, b"NaN", "text/plain")
    assert response.status_code == 422 and response.json()["errors"][0]["type"] != "finite_number"


def test_l2_deeply_nested_or_undecodable_bodies_are_not_taken_for_non_finite() -> None:
    assert holds_non_finite(b"[" * 100_000 + b"NaN" + b"]" * 100_000) is False  # the route refuses it, as before
    assert holds_non_finite(b"\xff\xfeNaN") is False
    assert holds_non_finite(b"[NaN]") is True
