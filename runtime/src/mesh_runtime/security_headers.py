"""Security headers on every answer of every service (pure ASGI, so streamed answers stay streamed).

The rules:
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and ``X-Frame-Options: DENY``
  on every answer: a CSV, an ICS feed or a problem is never sniffed into HTML, never framed, and a
  feed's URL (its credential) is never sent on as a Referer.
- ``Content-Security-Policy``: on an API answer (JSON, CSV, ICS), ``default-src 'none'``: nothing it
  could be rendered as may load or run anything. On an HTML page (only the self-hosted /docs and
  /redoc, which the Ingress does not pass on) scripts, styles and images from this origin only, and
  inline scripts only by the SHA-256 of those the page itself carries (Swagger UI's start-up script);
  inline styles are allowed because Swagger UI and ReDoc set them at run time.
- ``Cache-Control: no-store`` on every answer, whatever a route set (the calendar feed asked for
  ``private, max-age=300``): each holds personal data or is read with a credential (a bearer token, a
  feed URL), and no cache on the way may keep it. Only the docs' static assets (a library's files)
  may be cached.
- An exception that escapes before an answer started still gets a 500 carrying these headers; it is
  raised on, so the server logs it as before.
HSTS is the Ingress's (deploy/kubernetes): the services themselves speak plain HTTP inside the cluster.
"""

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; font-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
STATIC_DOCS_PREFIX = "/static-offline-docs/"  # fastapi-offline's mount: Swagger UI's and ReDoc's own files
_ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"))
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


class SecurityHeaders:
    """ASGI middleware: ``app.add_middleware(SecurityHeaders)``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(STATIC_DOCS_PREFIX)
        sent = False  # an answer's start has gone out
        held: Message | None = None  # an HTML answer's start, held until its body is known (for the script hashes)
        body: list[bytes] = []

        async def secured(message: Message) -> None:
            nonlocal sent, held
            if message["type"] == "http.response.start":
                if _content_type(message["headers"]).startswith(b"text/html"):
                    held = message
                    return
                message["headers"] = _secure(message["headers"], API_POLICY, cacheable)
            elif message["type"] == "http.response.body" and held is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = b"".join(body)
                hashes = "".join(f" 'sha256-{_digest(script)}'" for script in _INLINE_SCRIPT.findall(page))
                held["headers"] = _secure(held["headers"], DOCS_POLICY.format(hashes=hashes), cacheable)
                await send(held)
                held = None
                message = {"type": "http.response.body", "body": page, "more_body": False}
            sent = True
            await send(message)

        try:
            await self.app(scope, receive, secured)
        except Exception:
            if not sent:  # the server's own 500 would carry none of the headers
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": _secure([(b"content-type", b"text/plain; charset=utf-8")], API_POLICY, False),
                    }
                )
                await send({"type": "http.response.body", "body": b"Internal Server Error"})
            raise


def _content_type(headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    return next((value.lower() for name, value in headers if name.lower() == b"content-type"), b"")


def _secure(headers: Iterable[tuple[bytes, bytes]], policy: str, cacheable: bool) -> list[tuple[bytes, bytes]]:
    replaced = {name for name, _ in _ALWAYS} | {b"content-security-policy"} | (set() if cacheable else {b"cache-control"})
    kept = [(name, value) for name, value in headers if name.lower() not in replaced]
    added = [*_ALWAYS, (b"content-security-policy", policy.encode())]
    return [*kept, *added, *([] if cacheable else [(b"cache-control", b"no-store")])]


def _digest(script: bytes) -> str:
    return base64.b64encode(hashlib.sha256(script).digest()).decode()
