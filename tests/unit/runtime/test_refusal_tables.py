"""A service's refusals are answered once, by the runtime: each as problem+json with its status and
kind, a subclass as its nearest declared ancestor, members read from the exception."""

import httpx
from fastapi import FastAPI, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException

from mesh_runtime.problems import http_exception_as_problem
from mesh_runtime.refusals import Refusal, install_refusals


class NotFound(Exception):
    pass


class NoSuchProgram(NotFound):
    pass


class RulesNotMet(Exception):
    def __init__(self, rules: list[str]) -> None:
        super().__init__("the program's rules are not met")
        self.rules = rules


def _app() -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(StarletteHTTPException, http_exception_as_problem)
    install_refusals(
        app,
        {
            NotFound: Refusal(404, "not-found"),
            RulesNotMet: Refusal(422, "not-eligible", members=lambda error: {"rules": error.rules}),
        },
    )

    @app.get("/programs/{name}")
    async def program(name: str) -> dict[str, str]:
        if name == "gone":
            raise NoSuchProgram(f"no program {name}")
        if name == "hidden":
            raise HTTPException(403, "not yours")
        if name == "closed":
            raise RulesNotMet(["campus", "year"])
        return {"name": name}

    return app


async def _get(path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://test") as client:
        return await client.get(path)


async def test_a_refusal_is_a_problem_with_its_kind_and_a_subclass_answers_as_its_ancestor() -> None:
    answer = await _get("/programs/gone")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": "urn:mentoringmesh:problem:not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "no program gone",
    }


async def test_a_refusal_carries_the_members_its_exception_holds() -> None:
    answer = await _get("/programs/closed")
    assert answer.status_code == 422
    assert answer.json()["type"] == "urn:mentoringmesh:problem:not-eligible"
    assert answer.json()["rules"] == ["campus", "year"]


async def test_what_is_not_refused_is_answered_as_usual() -> None:
    answer = await _get("/programs/open")
    assert answer.status_code == 200 and answer.json() == {"name": "open"}


async def test_every_4xx_says_its_kind_even_one_raised_without_a_kind_of_its_own() -> None:
    hidden, missing = await _get("/programs/hidden"), await _get("/nowhere")
    assert (hidden.status_code, hidden.json()["type"]) == (403, "urn:mentoringmesh:problem:forbidden")
    assert (missing.status_code, missing.json()["type"]) == (404, "urn:mentoringmesh:problem:not-found")
