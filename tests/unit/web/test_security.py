"""The security middleware (WebSecurity) over a tiny app, and where a sign-in may send the browser back to.

Cross-site writes are refused before any page runs; every answer carries the strict headers."""

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mesh_web.assets import Assets
from mesh_web.auth.routes import safe_return
from mesh_web.security import WebSecurity
from tests.support.web import fake_npm

ORIGIN = "https://mentoring.example.edu"
IDP = "https://idp.example.edu/realms/mesh"
reached: list[str] = []


async def form(request: Request) -> Response:
    reached.append(request.url.path)
    return PlainTextResponse("done", headers={"cache-control": "public, max-age=600"})


def tiny_app(tmp_path: Path, origin: str = ORIGIN) -> tuple[httpx.AsyncClient, Assets]:
    assets = Assets(fake_npm(tmp_path))

    async def asset(request: Request) -> Response:
        return assets.response(request, request.path_params["version"], request.path_params["name"])

    app = Starlette(
        routes=[
            Route("/profile", form, methods=["GET", "POST"]),
            Route("/auth/backchannel-logout", form, methods=["POST"]),
            Route("/assets/{version}/{name:path}", asset),
        ]
    )
    secured = WebSecurity(app, origin=origin, idp_issuer=IDP)
    return httpx.AsyncClient(transport=httpx.ASGITransport(secured), base_url=origin), assets


@pytest.fixture
def client(tmp_path: Path):
    reached.clear()
    return tiny_app(tmp_path)[0]


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site", "origin": ORIGIN},  # Fetch Metadata decides when a browser sends it
        {"sec-fetch-site": "same-site", "origin": "https://other-campus.example.edu"},  # a sibling subdomain is not us
        {"origin": "https://evil.example"},
        {"origin": "https://mentoring.example.edu.evil.example"},
        {"origin": "http://mentoring.example.edu"},  # same host, other scheme: another origin
        {"origin": "null"},
        {},  # neither header: refused
    ],
    ids=[
        "cross-site",
        "cross-site-with-our-origin",
        "same-site",
        "other-origin",
        "suffix-origin",
        "other-scheme",
        "null-origin",
        "no-headers",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_writes_from_anywhere_but_here_are_refused(client: httpx.AsyncClient, headers: dict, method: str) -> None:
    answer = await client.request(method, "/profile", headers=headers, content=b"name=x")

    assert answer.status_code == 403
    assert reached == []  # refused before the page ran


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-origin", "origin": ORIGIN},
        {"sec-fetch-site": "same-origin"},
        {"origin": ORIGIN},  # a browser without Fetch Metadata
    ],
    ids=["same-origin", "same-origin-without-origin", "origin-only"],
)
async def test_writes_from_here_pass(client: httpx.AsyncClient, headers: dict) -> None:
    answer = await client.post("/profile", headers=headers, content=b"name=x")

    assert answer.status_code == 200
    assert reached == ["/profile"]


@pytest.mark.parametrize("headers", [{}, {"sec-fetch-site": "cross-site", "origin": "https://evil.example"}])
async def test_reads_always_pass(client: httpx.AsyncClient, headers: dict) -> None:
    answer = await client.get("/profile", headers=headers)

    assert answer.status_code == 200


async def test_the_idps_back_channel_logout_passes_without_either_header(client: httpx.AsyncClient) -> None:
    answer = await client.post("/auth/backchannel-logout", content=b"logout_token=x")

    assert answer.status_code == 200
    assert reached == ["/auth/backchannel-logout"]


def assert_strict(answer: httpx.Response) -> None:
    policy = answer.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self' https://idp.example.edu"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"


async def test_pages_carry_the_strict_headers_and_are_never_cached(client: httpx.AsyncClient) -> None:
    answer = await client.get("/profile")

    assert_strict(answer)
    assert answer.headers.get_list("cache-control") == ["no-store"]  # the page's own caching is overruled


async def test_a_refusal_carries_the_strict_headers_too(client: httpx.AsyncClient) -> None:
    answer = await client.post("/profile", headers={"sec-fetch-site": "cross-site"})

    assert answer.status_code == 403
    assert_strict(answer)
    assert answer.headers.get_list("cache-control") == ["no-store"]


async def test_assets_are_cached_for_good_and_still_strict(tmp_path: Path) -> None:
    client, assets = tiny_app(tmp_path)

    answer = await client.get(assets.url("mesh.css"))

    assert answer.status_code == 200
    assert_strict(answer)
    assert answer.headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]


async def test_hsts_only_when_the_public_origin_is_https(tmp_path: Path) -> None:
    secure, _ = tiny_app(tmp_path / "s", "https://mentoring.example.edu")
    plain, _ = tiny_app(tmp_path / "p", "http://localhost:8000")

    assert (await secure.get("/profile")).headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in (await plain.get("/profile")).headers


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/inbox",
        "https://evil.example",
        "http:/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "evil.example",
        "javascript:alert(1)",
        "",
        None,
        "/" + "a" * 2001,
    ],
)
def test_a_sign_in_never_returns_to_another_host(target: str | None) -> None:
    assert safe_return(target) == "/"


@pytest.mark.parametrize("target", ["/inbox?x=1", "/", "/pairs/42#agreement", "/programs?tab=open&page=2"])
def test_a_sign_in_returns_to_a_path_of_this_site(target: str) -> None:
    assert safe_return(target) == target
