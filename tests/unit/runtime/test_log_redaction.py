"""M3: no credential reaches a log line. A calendar feed's token (the only credential of its URL) and
bearer tokens or JWTs are blanked out of every line configure_logging's handler renders, whichever
logger wrote it: uvicorn's access log, a structlog event, an exception's traceback."""

import io
import logging
import sys

import pytest
import structlog

from mesh_runtime.logging import configure_logging, redact

TOKEN = "OtG8xoQk3v9VdE2rUq7nZbYx4LmPwT1sJhAfCgNiKYZ0"  # secrets.token_urlsafe(32) shape
JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
OPAQUE = "c2VjcmV0LW9wYXF1ZS1hY2Nlc3MtdG9rZW4"


@pytest.fixture
def render():
    """Configures logging as a service does; returns a function giving what its handler wrote since."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("scheduling", "INFO", "json")
    written = io.StringIO()
    root.handlers[0].setStream(written)  # the handler configure_logging made, writing here instead of stdout

    def rendered() -> str:
        text = written.getvalue()
        written.seek(0)
        written.truncate()
        return text

    yield rendered
    root.handlers[:], _ = saved
    root.setLevel(saved[1])
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def access_record(path: str) -> logging.LogRecord:
    """What uvicorn's httptools/h11 protocol logs for each request."""
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d', ("10.0.0.7:51324", "GET", path, "1.1", 200), None
    )


@pytest.mark.parametrize(
    "path",
    [
        f"/calendars/northbridge/{TOKEN}.ics",
        f"/calendars/northbridge/{TOKEN}.ics?x=1",
        f"/calendars/northbridge%2F{TOKEN}.ics",
        f"/calendars/{TOKEN}.ics",
        f"/calendars/northbridge/{TOKEN}",
    ],
)
def test_m3_the_access_log_never_holds_a_calendar_feed_token(render, path) -> None:
    logging.getLogger("uvicorn.access").handle(access_record(path))
    line = render()
    assert TOKEN not in line
    assert "/calendars/" in line and "[redacted]" in line and '"logger": "uvicorn.access"' in line


def test_m3_the_access_log_keeps_the_institution_of_a_feed_request(render) -> None:
    logging.getLogger("uvicorn.access").handle(access_record(f"/calendars/northbridge/{TOKEN}.ics"))
    assert "GET /calendars/northbridge/[redacted] HTTP/1.1" in render()


@pytest.mark.parametrize("secret", [f"Bearer {JWT}", f"bearer {OPAQUE}", f"Authorization: Bearer {OPAQUE}=="])
def test_m3_no_bearer_token_reaches_a_line_from_structlog_or_the_standard_library(render, secret) -> None:
    structlog.get_logger("mesh_runtime.test").warning("peer refused", header=secret, nested={"sent": [secret]})
    logging.getLogger("httpx").warning("calling with %s", secret)
    lines = render()
    assert len(lines.splitlines()) == 2
    assert JWT not in lines and OPAQUE not in lines


def test_m3_a_jwt_without_bearer_and_a_feed_path_in_a_traceback_are_redacted(render) -> None:
    try:
        raise ValueError(f"token {JWT} refused for https://mesh.example.edu/calendars/northbridge/{TOKEN}.ics")
    except ValueError:
        structlog.get_logger("mesh_runtime.test").exception("failed", exc_info=sys.exc_info())
    line = render()
    assert JWT not in line and TOKEN not in line and "ValueError" in line


def test_m3_redact_leaves_ordinary_text_alone() -> None:
    text = 'GET /participants/3f2c/calendar-feed HTTP/1.1 200 eyeball.example "Bearer"'
    assert redact(text) == text
    assert redact("/calendars/") == "/calendars/"
