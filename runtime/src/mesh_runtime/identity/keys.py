"""The issuer's signing keys: found by OIDC discovery, cached, refreshed when a token names a key
the cache does not have (the issuer rotated its keys), and never by more than one fetch at a time.

If the issuer cannot be reached, keys already cached keep verifying tokens (the service stays up);
a token naming an unknown key is refused (fail closed).
"""

import asyncio
import time
from typing import Any

import httpx
import jwt
import structlog

log = structlog.get_logger(__name__)


class KeysUnavailable(Exception):
    """The issuer's keys could not be fetched."""


class IssuerKeys:
    def __init__(
        self,
        issuer: str,
        *,
        discovery_url: str | None = None,
        min_refresh_seconds: float = 30.0,
        max_age_seconds: float = 3600.0,
        timeout_seconds: float = 5.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.issuer = issuer  # compared exactly with ``iss``: some issuers end in a slash
        self.discovery_url = discovery_url or f"{issuer.rstrip('/')}/.well-known/openid-configuration"
        self.min_refresh_seconds = min_refresh_seconds
        self.max_age_seconds = max_age_seconds
        self._client = client or httpx.AsyncClient(timeout=timeout_seconds)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = -float("inf")
        self._tried_at = -float("inf")
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        self.token_endpoint: str | None = None  # from discovery: where this service gets its own tokens

    @property
    def cached_key_ids(self) -> list[str]:
        return sorted(self._keys)

    async def key(self, key_id: str | None) -> jwt.PyJWK | None:
        """The key a token names; None when the issuer does not (or, unreachable, did not) publish it.

        Old keys are refreshed in the background while they keep serving: no request waits on the
        issuer unless its token names a key the cache does not have."""
        found = self._find(key_id)
        if found is not None:
            if time.monotonic() - self._fetched_at > self.max_age_seconds and self._background is None:
                self._background = asyncio.create_task(self._refresh_in_background())
            return found
        await self._refresh_quietly()
        return self._find(key_id)

    async def _refresh_in_background(self) -> None:
        try:
            await self._refresh_quietly()
        finally:
            self._background = None

    def _find(self, key_id: str | None) -> jwt.PyJWK | None:
        if key_id is None:  # a token without ``kid`` is only unambiguous while the issuer has one key
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(key_id)

    async def refresh(self) -> None:
        """Fetch discovery and JWKS now; raises ``KeysUnavailable``."""
        async with self._lock:
            await self._fetch()

    async def discovered_token_endpoint(self) -> str:
        """The issuer's token endpoint; raises ``KeysUnavailable`` while it cannot be discovered."""
        if self.token_endpoint is None:
            await self.refresh()
        if self.token_endpoint is None:
            raise KeysUnavailable(f"discovery at {self.discovery_url} names no token_endpoint")
        return self.token_endpoint

    async def _refresh_quietly(self) -> None:
        async with self._lock:
            # One fetch for a burst of tokens with a new key id, and none more often than allowed:
            # random key ids must not turn the service into a flood of requests to the issuer.
            if time.monotonic() - self._tried_at < self.min_refresh_seconds:
                return
            try:
                await self._fetch()
            except KeysUnavailable as error:
                log.warning(
                    "issuer keys not refreshed; cached keys still used", error=str(error), cached_key_ids=self.cached_key_ids
                )

    async def _fetch(self) -> None:
        self._tried_at = time.monotonic()
        try:
            discovery = await self._json(self.discovery_url)
            if discovery.get("issuer") != self.issuer:
                raise KeysUnavailable(
                    f"discovery at {self.discovery_url} names issuer {discovery.get('issuer')!r}, not {self.issuer!r}"
                )
            jwks = await self._json(discovery["jwks_uri"])
            signing = [key for key in jwks.get("keys", []) if key.get("use", "sig") == "sig"]
            keys = {key.key_id: key for key in jwt.PyJWKSet.from_dict({"keys": signing}).keys if key.key_id}
        except (httpx.HTTPError, KeyError, ValueError, jwt.PyJWKSetError) as error:
            raise KeysUnavailable(f"{type(error).__name__}: {error}") from error
        self._keys = keys
        self.token_endpoint = discovery.get("token_endpoint")
        self._fetched_at = time.monotonic()
        log.info("issuer keys fetched", issuer=self.issuer, key_ids=self.cached_key_ids)

    async def _json(self, url: str) -> dict[str, Any]:
        response = await self._client.get(url)
        response.raise_for_status()
        return response.json()

    async def close(self) -> None:
        if self._background is not None:
            self._background.cancel()
        await self._client.aclose()
