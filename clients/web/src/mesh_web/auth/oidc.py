"""The IdP as mesh-web sees it: a confidential OIDC client (authlib) and the IdP's keys (PyJWT).

Rules:
- Authorization code flow with PKCE (S256), a fresh ``state`` and ``nonce`` per sign-in; the ID token's
  signature, issuer, audience, expiry and nonce are checked before anyone counts as signed in.
- The access token is used until a minute before it expires, then refreshed (the session store makes
  that happen once per session).
- A back-channel logout token is accepted only when signed by the IdP, for this client, carrying the
  back-channel logout event and no nonce (OpenID Connect Back-Channel Logout 1.0, section 2.6).
"""

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client

REFRESH_AHEAD_SECONDS = 60
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
KEYS_REFETCH_SECONDS = 30


class SignInFailed(Exception):
    """The IdP's answer does not sign anyone in (wrong state, bad token, refused code)."""


class RefreshFailed(Exception):
    """The IdP will not refresh: the session at the IdP has ended."""


@dataclass(frozen=True)
class SignIn:
    """What a sign-in's callback must be checked against, kept in the session until it comes back."""

    state: str
    nonce: str
    verifier: str
    return_to: str

    @staticmethod
    def begin(return_to: str) -> "SignIn":
        return SignIn(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48), return_to)


def tokens_fresh(tokens: dict[str, Any], now: float | None = None) -> bool:
    return bool(tokens.get("access_token")) and tokens.get("expires_at", 0) - REFRESH_AHEAD_SECONDS > (now or time.time())


class IdentityProvider:
    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        http: httpx.AsyncClient,
        discovery_url: str | None = None,
    ) -> None:
        self.issuer, self.client_id, self._secret, self.redirect_uri = issuer.rstrip("/"), client_id, client_secret, redirect_uri
        self._discovery = discovery_url or f"{self.issuer}/.well-known/openid-configuration"
        self._http = http
        self._metadata: dict[str, Any] | None = None
        self._keys: jwt.PyJWKSet | None = None
        self._keys_at = 0.0

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            answer = await self._http.get(self._discovery)
            answer.raise_for_status()
            self._metadata = answer.json()
        return self._metadata

    def _client(self, **kwargs: Any) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            self.client_id, self._secret, code_challenge_method="S256", redirect_uri=self.redirect_uri, timeout=10, **kwargs
        )

    async def authorization_url(self, sign_in: SignIn, locale: str) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        async with self._client(scope="openid mesh") as client:
            url, _ = client.create_authorization_url(
                endpoint, state=sign_in.state, nonce=sign_in.nonce, code_verifier=sign_in.verifier, ui_locales=locale
            )
        return url

    async def finish(self, sign_in: SignIn, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The code for tokens; returns (tokens, the ID token's claims)."""
        endpoint = (await self.metadata())["token_endpoint"]
        try:
            async with self._client() as client:
                token = await client.fetch_token(
                    endpoint, grant_type="authorization_code", code=code, code_verifier=sign_in.verifier
                )
        except Exception as error:
            raise SignInFailed(f"the IdP refused the code: {error}") from error
        claims = await self.verify(token.get("id_token", ""), audience=self.client_id)
        if claims.get("nonce") != sign_in.nonce:
            raise SignInFailed("the ID token's nonce is not this sign-in's")
        return _kept(token), claims

    async def refresh(self, tokens: dict[str, Any]) -> dict[str, Any]:
        endpoint = (await self.metadata())["token_endpoint"]
        try:
            async with self._client() as client:
                token = await client.refresh_token(endpoint, refresh_token=tokens["refresh_token"])
        except Exception as error:
            raise RefreshFailed(str(error)) from error
        fresh = _kept(token)
        fresh.setdefault("id_token", tokens.get("id_token"))
        fresh.setdefault("refresh_token", tokens.get("refresh_token"))
        return fresh

    async def logout_url(self, id_token: str | None, after: str, locale: str) -> str:
        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not endpoint:
            return after
        query = {"client_id": self.client_id, "post_logout_redirect_uri": after, "ui_locales": locale}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(query)}"

    async def verify_logout_token(self, token: str) -> dict[str, Any]:
        claims = await self.verify(token, audience=self.client_id, expiry=False)
        if LOGOUT_EVENT not in (claims.get("events") or {}):
            raise SignInFailed("not a back-channel logout token")
        if "nonce" in claims or not (claims.get("sid") or claims.get("sub")):
            raise SignInFailed("a logout token has no nonce and names a session or a subject")
        return claims

    async def verify(self, token: str, *, audience: str, expiry: bool = True) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            key = await self._key(header.get("kid"))
            return jwt.decode(
                token,
                key.key,
                algorithms=[header.get("alg", "RS256")],
                audience=audience,
                issuer=self.issuer,
                leeway=30,
                options={"verify_exp": expiry, "require": ["iss", "aud", "iat", *(["exp"] if expiry else [])]},
            )
        except (jwt.PyJWTError, KeyError, TypeError) as error:
            raise SignInFailed(f"token rejected: {error}") from error

    async def _key(self, kid: str | None) -> jwt.PyJWK:
        for attempt in range(2):
            if self._keys is None or (attempt and time.monotonic() - self._keys_at > KEYS_REFETCH_SECONDS):
                answer = await self._http.get((await self.metadata())["jwks_uri"])
                answer.raise_for_status()
                self._keys = jwt.PyJWKSet.from_dict(
                    {"keys": [key for key in answer.json()["keys"] if key.get("use", "sig") == "sig"]}
                )
                self._keys_at = time.monotonic()
            for key in self._keys.keys:
                if key.key_id == kid:
                    return key
        raise KeyError(f"no signing key {kid!r}")


def _kept(token: dict[str, Any]) -> dict[str, Any]:
    expires_at = token.get("expires_at") or time.time() + int(token.get("expires_in", 60))
    return {
        "access_token": token["access_token"],
        "refresh_token": token.get("refresh_token"),
        "id_token": token.get("id_token"),
        "expires_at": expires_at,
    }
