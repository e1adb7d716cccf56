"""What every answer of mesh-web carries, and which requests it refuses before any page runs.

- Cross-site writes are refused (403): a request that is not GET, HEAD or OPTIONS must come from this
  origin: ``Sec-Fetch-Site`` is same-origin (or none: typed by the user), or, from a browser that sends
  no Fetch Metadata, ``Origin`` equals the app's. A request with neither is refused too, except the
  IdP's back-channel logout, which is a server's call carrying a token signed by the IdP.
  Same-site is not enough: another campus's app on a sibling subdomain is not us.
- A strict Content-Security-Policy: scripts, styles, fonts and images only from this origin, no inline
  script nor style, no eval, forms post only here (and to the IdP, the one place sign-in goes), no
  framing. HSTS when served over https. Pages are never cached (they hold personal data); assets are
  cached for good (their URLs change with their content).
"""

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SERVER_TO_SERVER = frozenset({"/auth/backchannel-logout"})
CACHEABLE_PREFIXES = ("/assets/", "/theme/")  # content-addressed URLs


def content_security_policy(idp_origin: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self'; form-action 'self' {idp_origin}; frame-ancestors 'none'; base-uri 'none'; "
        "manifest-src 'self'"
    )


class WebSecurity:
    """Pure ASGI middleware (streamed answers stay streamed)."""

    def __init__(self, app: ASGIApp, *, origin: str, idp_issuer: str) -> None:
        self.app, self.origin = app, origin
        parts = urlsplit(idp_issuer)
        self.policy = content_security_policy(f"{parts.scheme}://{parts.netloc}").encode()
        self.https = origin.startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = scope["method"] not in SAFE_METHODS and scope["path"] not in SERVER_TO_SERVER and not self._same_origin(scope)
        cacheable = not refused and scope["path"].startswith(CACHEABLE_PREFIXES)

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in (b"cache-control",) or cacheable
                ]
                headers += [
                    (b"content-security-policy", self.policy),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
                ]
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                if self.https:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message["headers"] = headers
            await send(message)

        if refused:
            await _refuse(secured)  # a refusal carries the same headers as any answer
            return
        await self.app(scope, receive, secured)

    def _same_origin(self, scope: Scope) -> bool:
        headers = dict(scope.get("headers", []))
        site = headers.get(b"sec-fetch-site")
        if site is not None:
            return site in (b"same-origin", b"none")
        origin = headers.get(b"origin")
        return origin is not None and origin.decode("latin-1") == self.origin


async def _refuse(send: Send) -> None:
    body = b"Cross-site request refused: this form must be sent from the Mentoring Mesh site itself."
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
