"""L8: security headers on every answer of every service, and probes that never reveal an exception's text.

The app is a service built by build_service (no lifespan: nothing here needs a database or a broker),
with a few routes of its own standing for the kinds of answer the services give."""

import base64
import hashlib
import logging
import re

import httpx
import pytest
import structlog
from fastapi import APIRouter, Response

from mesh_runtime.app import ServiceDefinition, build_service
from mesh_runtime.settings import ServiceSettings

public = APIRouter()


@public.get("/calendars/{institution}/{token}.ics")
async def feed(institution: str, token: str) -> Response:  # as scheduling's feed answers
    return Response(
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


@public.get("/report.csv")
async def report() -> Response:
    return Response("a,b\r\n", media_type="text/csv")


@public.get("/broken")
async def broken() -> None:
    raise RuntimeError("postgresql://mesh:hunter2@db.internal/mesh refused")


@pytest.fixture
async def client():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    settings = ServiceSettings(
        database_url="postgresql://mesh:hunter2@db.internal/mesh",
        oidc_issuer="https://idp.example.edu/realms/x",
        log_level="CRITICAL",
    )
    app = build_service(
        ServiceDefinition("headers", "Headers", "A test service.", "mesh_runtime.sql", routers=[], public_routers=[public]),
        settings,
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
        yield app, http
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def assert_secured(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/health/live",
        "/openapi.json",
        "/asyncapi.json",
        "/calendars/north/t0k3n.ics",
        "/report.csv",
        "/audit",
        "/no-such-route",
        "/broken",
    ],
)
async def test_l8_every_answer_carries_nosniff_no_referrer_a_csp_and_no_store(client, path) -> None:
    _, http = client
    response = await http.get(path)
    assert_secured(response)
    assert response.headers["cache-control"] == "no-store"
    if "html" not in response.headers.get("content-type", ""):
        assert response.headers["content-security-policy"].startswith("default-src 'none';")


async def test_l8_the_calendar_feed_is_no_store_whatever_the_route_said(client) -> None:
    _, http = client
    response = await http.get("/calendars/north/t0k3n.ics")
    assert response.status_code == 200 and response.headers.get_list("cache-control") == ["no-store"]


async def test_l8_an_authenticated_api_answer_is_no_store(client) -> None:
    _, http = client
    response = await http.get("/audit", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert_secured(response)
    assert response.headers["cache-control"] == "no-store"


async def test_l8_an_unhandled_error_is_a_bare_500_with_the_headers(client) -> None:
    _, http = client
    response = await http.get("/broken")
    assert response.status_code == 500 and response.text == "Internal Server Error"
    assert_secured(response)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_l8_the_docs_pages_get_a_strict_csp_that_still_runs_their_own_scripts(client, path) -> None:
    _, http = client
    response = await http.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert_secured(response)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]  # scripts: only by hash
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    for script in inline:  # each inline script the page carries is allowed by its hash, so the page works
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert response.headers["content-length"] == str(len(response.content))


async def test_l8_the_docs_static_assets_stay_cacheable(client) -> None:
    _, http = client
    response = await http.get("/static-offline-docs/swagger-ui.css")
    assert response.status_code == 200
    assert_secured(response)
    assert "no-store" not in response.headers.get("cache-control", "")


class _Database:
    async def check(self) -> None:
        raise OSError("could not connect to postgresql://mesh:hunter2@db.internal:5432/mesh")


class _Broker:
    async def ping(self, timeout: float) -> bool:
        return False


class _Components:
    draining = False
    database = _Database()
    broker = _Broker()


async def test_l8_readiness_gives_a_fixed_reason_per_check_never_the_exception_text(client) -> None:
    app, http = client
    app.state.components = _Components()
    response = await http.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed: unreachable", "broker": "failed: unreachable"}
    assert "hunter2" not in response.text and "db.internal" not in response.text and "Kafka" not in response.text
