"""structlog JSON logs on stdout, with standard-library loggers (uvicorn, FastStream, aiokafka) routed through it.

No line carries a credential: every rendered line passes through ``redact`` last, whatever logged it
(uvicorn's access log writes each request's path, and a calendar feed's path holds its token)."""

import logging
import re
import sys
from typing import Any

import structlog

REDACTED = "[redacted]"
# /calendars/{institution}/{token}.ics: the token is the feed's only credential, and the database keeps
# only its SHA-256; a log holding it would undo that.
_FEED = re.compile(r"(/calendars/)([^\s\"'<>?#\\]*)")
_INSTITUTION = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # generous: it only decides what is kept of a logged path
_BEARER = re.compile(r"(\bBearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")  # header.payload.signature, base64url

_SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def redact(text: str) -> str:
    """``text`` with every calendar feed token (all of a ``/calendars/`` path after the institution),
    ``Bearer`` token and JWT-shaped string in it replaced by ``[redacted]``."""
    if "/calendars/" in text:
        text = _FEED.sub(_feed_path, text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    return _JWT.sub(REDACTED, text)


def _feed_path(found: re.Match[str]) -> str:
    institution, slash, rest = found.group(2).partition("/")
    if not found.group(2):
        return found.group(0)
    if slash and rest and _INSTITUTION.fullmatch(institution):
        return f"{found.group(1)}{institution}/{REDACTED}"
    return f"{found.group(1)}{REDACTED}"  # one segment (or a %2F-encoded slash): it may be the token itself


def _redact_line(_logger: Any, _method: str, line: Any) -> Any:
    """The last processor: it sees the rendered line, so values, reprs and tracebacks alike are covered."""
    return redact(line) if isinstance(line, str) else line


def configure_logging(service: str, level: str = "INFO", fmt: str = "json") -> None:
    """Every line carries ``service``; handlers bind ``event_id`` and ``correlation_id``."""
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*_SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
            _redact_line,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "aiokafka"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
