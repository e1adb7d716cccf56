"""Rate limits: a token bucket per verified person, per client address, and per profile for the
writes that feed matching's scores. A refusal is 429 with ``Retry-After`` (whole seconds) and a
problem of kind ``rate-limited``.

The rules (settings ``MESH_RATE_LIMIT_*``, docs/configuration.md, "Rate limits"):

- A verified person (institution + subject) makes up to ``per_subject_per_minute`` requests: a
  bucket holding a minute's budget, refilled evenly, so a burst of that many is taken at once.
- A request without an ``Authorization`` header (the calendar feed, or a missing token), and a
  token that does not verify, are charged to the client's address (``per_address_per_minute``).
  A verified token never draws on its address: a campus behind one NAT is not punished for one
  person's failed tokens.
- A platform service's token (client credentials) has a budget of its own (``per_service_per_minute``;
  0, the default: none), keyed by its client: services read in bulk as events arrive.
- Each write that feeds scoring (``SCORED_WRITES``: a participant's profile replaced) also draws
  on an hourly budget (``profile_changes_per_hour``) per writer and profile changed.
- Health, metrics and the API documents are never limited (``UNLIMITED_PATHS``).

Buckets live in this replica's memory: with n replicas a client may get up to n times a budget
through. The Ingress's per-address limit (tools/kubernetes.py) is the cluster-wide backstop.
A hand-written bucket rather than the ``limits`` package: that has no token bucket, and its
asyncio memory storage walks every key (a thread hop each) after each hit to expire them.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from mesh_runtime.identity.claims import Principal
from mesh_runtime.problems import Problem, problem_response

if TYPE_CHECKING:  # settings imports identity, whose ``authenticate`` imports this module
    from mesh_runtime.settings import ServiceSettings

KIND = "rate-limited"
# Probes, scrapes and documents: never refused (the probes must answer however busy a client is).
UNLIMITED_PATHS = ("/health/", "/metrics", "/docs", "/redoc", "/openapi.json", "/asyncapi.json", "/static-offline-docs")
# (method, route template) of the writes whose every change re-scores someone against the pool:
# a profile's lists are what its owner could otherwise change at will to probe others' (M9).
SCORED_WRITES = frozenset({("PUT", "/participants/{participant_id}/profile")})
MAX_KEYS = 100_000  # buckets kept per kind; past it the least recently used (nearly always full) go


class TokenBuckets:
    """A bucket per key holding up to ``capacity`` tokens, refilled at ``capacity / per_seconds`` a
    second; a request takes one. A key not seen is a full bucket, so forgetting the least recently
    used key (past ``max_keys``) changes nothing once it has refilled."""

    def __init__(
        self, capacity: int, per_seconds: float, max_keys: int = MAX_KEYS, now: Callable[[], float] = time.monotonic
    ) -> None:
        if capacity < 1 or per_seconds <= 0:
            raise ValueError("a bucket holds at least one token and refills over a positive time")
        self.capacity, self.rate, self._max_keys, self._now = capacity, capacity / per_seconds, max_keys, now
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()  # key: (tokens, when), oldest first

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: Hashable) -> float:
        """0.0 when a token was taken; otherwise how many seconds until one will be there."""
        now = self._now()
        tokens, then = self._buckets.pop(key, (float(self.capacity), now))
        tokens = min(float(self.capacity), tokens + (now - then) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1 if wait == 0.0 else tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return wait


class RateLimited(Problem):
    """429: ``budget`` says which one ran out; ``Retry-After`` when a request will be taken again."""

    def __init__(self, budget: str, wait: float) -> None:
        seconds = retry_after(wait)
        super().__init__(
            429,
            f"too many requests ({budget}); try again in {seconds} s",
            kind=KIND,
            title="Too many requests",
            headers={"Retry-After": str(seconds)},
            budget=budget,
            retry_after_seconds=seconds,
        )


def retry_after(wait: float) -> int:
    return max(1, math.ceil(wait))


def _buckets(capacity: int, per_seconds: float) -> TokenBuckets | None:
    return TokenBuckets(capacity, per_seconds) if capacity > 0 else None  # 0: no limit


@dataclass
class RateLimits:
    """This replica's buckets; a kind set to None is not limited."""

    subjects: TokenBuckets | None
    addresses: TokenBuckets | None
    services: TokenBuckets | None
    profile_changes: TokenBuckets | None

    @classmethod
    def from_settings(cls, settings: "ServiceSettings") -> "RateLimits":
        return cls(
            _buckets(settings.rate_limit_per_subject_per_minute, 60.0),
            _buckets(settings.rate_limit_per_address_per_minute, 60.0),
            _buckets(settings.rate_limit_per_service_per_minute, 60.0),
            _buckets(settings.rate_limit_profile_changes_per_hour, 3600.0),
        )

    def charge_address(self, address: str) -> None:
        _charge(self.addresses, address, "per client address")

    def charge_principal(self, principal: Principal, method: str, route: str | None, path_params: dict) -> None:
        if principal.is_service:
            _charge(self.services, principal.client_id or principal.subject, "per platform service")
        else:
            _charge(self.subjects, (principal.institution, principal.subject), "per person")
        if (method, route) in SCORED_WRITES:  # per writer and profile: an admin's edits of many are not pooled,
            # and a caller refused the profile spends only their own budget, never its owner's
            _charge(
                self.profile_changes,
                (principal.institution, principal.subject, str(path_params.get("participant_id"))),
                "profile changes per hour",
            )


def _charge(buckets: TokenBuckets | None, key: Hashable, budget: str) -> None:
    if buckets is not None and (wait := buckets.take(key)):
        raise RateLimited(budget, wait)


def install(app: FastAPI, settings: "ServiceSettings") -> None:
    """The buckets on ``app.state`` (where ``authenticate`` charges verified principals) and the
    middleware that charges anonymous requests to their address."""
    app.state.rate_limits = RateLimits.from_settings(settings)
    app.add_middleware(AddressRateLimit, limits=app.state.rate_limits)


def client_address(scope: Scope) -> str:
    """The peer's address, or the client's that X-Forwarded-For names where uvicorn trusts the peer
    (``MESH_HTTP_FORWARDED_ALLOW_IPS``, default 127.0.0.1 only)."""
    client = scope.get("client")
    return client[0] if client else "unknown"


def limited(path: str) -> bool:
    return not path.startswith(UNLIMITED_PATHS)


class AddressRateLimit:
    """Charges each request without an ``Authorization`` header to its client's address, and answers
    429 once the address's budget is spent, before the body is read or any route runs. Requests
    with a token are charged by ``authenticate`` (``charge_request``), once it knows who they are."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and limited(scope["path"]) and not _has_authorization(scope):
            try:
                self.limits.charge_address(client_address(scope))
            except RateLimited as refused:
                response = problem_response(
                    429, refused.detail, kind=KIND, title=refused.title, headers=refused.headers, **refused.members
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _has_authorization(scope: Scope) -> bool:
    # An empty header is no header: it must not pass uncharged (authenticate charges only a supplied one).
    return any(name == b"authorization" and value.strip() for name, value in scope.get("headers", ()))


def _limits(request: Request) -> RateLimits | None:
    return getattr(request.app.state, "rate_limits", None)


def charge_failed_attempt(request: Request) -> None:
    """A token that did not verify (or a malformed Authorization header) counts against the
    client's address: raises ``RateLimited`` once that is spent, else returns (and the 401 follows)."""
    if (limits := _limits(request)) is not None and limited(request.url.path):
        limits.charge_address(client_address(request.scope))


def charge_request(request: Request, principal: Principal) -> None:
    """A verified principal's request against its budgets: raises ``RateLimited`` when one is spent."""
    if (limits := _limits(request)) is not None and limited(request.url.path):
        route = getattr(request.scope.get("route"), "path", None)
        limits.charge_principal(principal, request.method, route, request.path_params)
