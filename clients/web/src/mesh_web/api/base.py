"""What every service call shares: the signed-in person's token, timeouts, and how refusals come back.

- A 4xx problem+json becomes ``ApiProblem`` (pages turn it into a message beside the field it names).
- A 5xx, a timeout or a refused connection becomes ``ServiceUnavailable`` (a page that says to retry,
  the form kept).
- A 401 means the token went stale under us: refresh once and ask again; a second 401 means the
  session is over (``SignInRequired``).
- Path parameters are typed (UUIDs, ints) and quoted here: callers never build paths.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

TokenSource = Callable[[bool], Awaitable[str]]  # (force a refresh) -> access token
Timing = Callable[[str, float], None]  # (service, seconds): the page's record of time spent in services


class SignInRequired(Exception):
    """No session, or one the IdP ended: sign in (again)."""


@dataclass
class ApiProblem(Exception):
    service: str
    status: int
    detail: str
    kind: str = "about:blank"
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.service}: {self.status} {self.detail}"

    @property
    def short_kind(self) -> str:
        return self.kind.rsplit(":", 1)[-1]

    def field_errors(self) -> dict[str, str]:
        """The fields a refusal names, as dotted names without the leading ``body.``: ``{"email": "…"}``."""
        found: dict[str, str] = {}
        for error in self.body.get("errors") or []:
            if isinstance(error, dict) and error.get("location"):
                found.setdefault(
                    str(error["location"]).removeprefix("body.").removeprefix("query."), str(error.get("message", ""))
                )
        for violation in self.body.get("violations") or self.body.get("rules") or []:
            if isinstance(violation, dict) and violation.get("field"):
                found.setdefault(str(violation["field"]), str(violation.get("message") or violation.get("rule") or ""))
        if isinstance(self.body.get("field"), str):
            found.setdefault(self.body["field"], self.detail)
        return found


class ServiceUnavailable(Exception):
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is unavailable: {reason}")
        self.service = service


def segment(value: UUID | int | str) -> str:
    """One path segment: UUIDs and ints as they are, anything else quoted with no slash left."""
    if isinstance(value, UUID | int):
        return str(value)
    return quote(str(value), safe="")


class ServiceClient:
    name = "service"

    def __init__(self, base_url: str, http: httpx.AsyncClient, token: TokenSource, timing: Timing) -> None:
        self._base, self._http, self._token, self._timing = base_url.rstrip("/"), http, token, timing

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        expect_body: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """``timeout``: for the rare call that may take longer than the app's usual (a round published)."""
        query = {key: value for key, value in (params or {}).items() if value is not None}
        for attempt in range(2):
            token = await self._token(attempt > 0)
            started = time.perf_counter()
            try:
                answer = await self._http.request(
                    method,
                    f"{self._base}{path}",
                    json=json,
                    params=query,
                    headers={"authorization": f"Bearer {token}", "accept": "application/json"},
                    **({"timeout": timeout} if timeout is not None else {}),
                )
            except httpx.HTTPError as error:
                raise ServiceUnavailable(self.name, type(error).__name__) from error
            finally:
                self._timing(self.name, time.perf_counter() - started)
            if answer.status_code == 401 and attempt == 0:
                continue
            if answer.status_code == 401:
                raise SignInRequired()
            if answer.status_code >= 500 or answer.status_code == 429:
                raise ServiceUnavailable(self.name, f"{answer.status_code}")
            if answer.status_code >= 400:
                body = _json_or_empty(answer)
                raise ApiProblem(
                    self.name,
                    answer.status_code,
                    str(body.get("detail") or answer.reason_phrase),
                    str(body.get("type") or "about:blank"),
                    body,
                )
            if not expect_body or answer.status_code == 204 or not answer.content:
                return None
            return answer.json()
        raise AssertionError("unreachable")


class AuditedService(ServiceClient):
    """Every service keeps the audit trail of the staff actions it took (``GET /audit``, admins)."""

    async def audit(
        self,
        *,
        before: int | None = None,
        limit: int = 50,
        action: str | None = None,
        actor: str | None = None,
        resource: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        return await self.call(
            "GET",
            "/audit",
            params={
                "before": before,
                "limit": limit,
                "action": action,
                "actor": actor,
                "resource": resource,
                "since": since,
                "until": until,
            },
        )


def _json_or_empty(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
