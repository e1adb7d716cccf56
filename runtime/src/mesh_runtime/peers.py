"""Reading another service's API as this platform service.

Events carry ids and non-identifying attributes only; a service that needs a person's personal data
(matching scores free text, notify writes to a name and an address, scheduling checks whose a
session is) reads it from the service that owns it, with its own access token (OAuth 2.0 client
credentials, fetched and renewed by authlib). What it keeps, it erases on ``ParticipantErased``.
"""

from typing import Any

import httpx
import structlog
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from mesh_runtime.consumer import RetryLater
from mesh_runtime.identity.keys import IssuerKeys, KeysUnavailable

log = structlog.get_logger(__name__)


class PeerUnavailable(RetryLater):
    """The other service (or the identity provider) cannot answer now; the event is retried."""


class PeerRefused(RetryLater):
    """The other service (or the identity provider) refused this service: a configuration error
    (client secret, role, audience). Still retried, never dead-lettered: the consumer waits, logging
    why, until the configuration is fixed, and then every event is applied."""


class ServiceIdentity:
    """This service's own access tokens (client credentials), shared by all its peers."""

    def __init__(self, keys: IssuerKeys, client_id: str, client_secret: str | None, timeout_seconds: float = 5.0) -> None:
        self._keys = keys
        self.client_id = client_id
        self._client = AsyncOAuth2Client(
            client_id=client_id, client_secret=client_secret, grant_type="client_credentials", timeout=timeout_seconds, leeway=30
        )
        self.configured = client_secret is not None

    async def client(self) -> AsyncOAuth2Client:
        """The HTTP client, with a token that is current (fetched the first time, renewed near expiry)."""
        if not self.configured:
            raise PeerRefused(
                f"no client secret for {self.client_id!r} (MESH_SERVICE_CLIENT_SECRET): "
                "this service cannot read personal data from the other services"
            )
        if not self._client.token:
            try:
                endpoint = await self._keys.discovered_token_endpoint()
                self._client.metadata["token_endpoint"] = endpoint
                await self._client.fetch_token(endpoint, grant_type="client_credentials")
            except (KeysUnavailable, httpx.TransportError) as error:
                raise PeerUnavailable(f"identity provider unreachable for a service token: {error}") from error
            except OAuthError as error:
                raise PeerRefused(f"identity provider refused {self.client_id!r} a token: {error}") from error
        return self._client

    def forget_token(self) -> None:
        self._client.token = None

    async def close(self) -> None:
        await self._client.aclose()  # type: ignore[attr-defined]  # the stubs omit its base, httpx.AsyncClient


class Peer:
    """Another platform service's API, read as this service."""

    def __init__(self, name: str, base_url: str | None, identity: ServiceIdentity) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/") if base_url else None
        self._identity = identity

    async def get(self, path: str) -> dict[str, Any] | None:
        """The JSON at ``path``; None when it does not exist (404)."""
        return await self._request("GET", path)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """A read that takes a body (many ids at once); None on 404."""
        return await self._request("POST", path, body)

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        if self.base_url is None:
            raise PeerRefused(f"no URL for the {self.name} service (MESH_{self.name.upper()}_API_URL)")
        client = await self._identity.client()
        try:
            response = await client.request(method, f"{self.base_url}{path}", json=body)
        except (httpx.TransportError, OAuthError) as error:
            raise PeerUnavailable(f"{self.name} unreachable: {type(error).__name__}: {error}") from error
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            log.error(
                "peer refused this service's token",
                peer=self.name,
                status=response.status_code,
                client_id=self._identity.client_id,
            )
            self._identity.forget_token()  # a rotated key or a changed role: the next try gets a new one
            raise PeerRefused(f"{self.name} refused {method} {path}: {response.status_code} {response.text[:300]}")
        if response.status_code >= 500 or response.status_code == 429:
            raise PeerUnavailable(f"{self.name} answered {response.status_code} to {method} {path}")
        response.raise_for_status()
        return response.json()
