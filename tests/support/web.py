"""Stand-ins for what mesh-web meets outside itself, in memory: the IdP (discovery, a JWKS with a signing key made
here, the token endpoint) served by httpx.MockTransport, and the npm packages' files (node_modules).

The real Keycloak and the real packages are used by the browser tests; these let a test choose what they say."""

import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client
from cryptography.hazmat.primitives.asymmetric import rsa

from mesh_web.auth.oidc import LOGOUT_EVENT, IdentityProvider

ISSUER = "https://idp.example.edu/realms/mesh"
CLIENT = "mesh-web"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "signing-1"


def jwks() -> dict[str, Any]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
    encryption = jwt.algorithms.RSAAlgorithm.to_jwk(OTHER_KEY.public_key(), as_dict=True)
    return {
        "keys": [
            public | {"kid": KID, "use": "sig", "alg": "RS256"},
            encryption | {"kid": "encryption-1", "use": "enc", "alg": "RSA-OAEP"},
        ]
    }


def sign(claims: dict[str, Any], *, key: Any = KEY, kid: str = KID, algorithm: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def id_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "subject-1",
        "sid": "idp-session-1",
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        "name": "Ana Ruiz",
        "preferred_username": "ana",
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def logout_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "subject-1",
        "sid": "idp-session-1",
        "iat": now,
        "exp": now + 300,
        "jti": "logout-1",
        "events": {LOGOUT_EVENT: {}},
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


class FakeIdP:
    """Discovery, JWKS and the token endpoint, in memory; counts what was asked."""

    def __init__(self) -> None:
        self.id_token = sign(id_claims())
        self.calls: list[str] = []
        self.token_requests: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path)
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "jwks_uri": f"{ISSUER}/certs",
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "end_session_endpoint": f"{ISSUER}/logout",
                },
            )
        if request.url.path.endswith("/certs"):
            return httpx.Response(200, json=jwks())
        if request.url.path.endswith("/token"):
            self.token_requests.append(parse_qs(request.content.decode()))
            return httpx.Response(
                200,
                json={
                    "access_token": "access-1",
                    "refresh_token": "refresh-1",
                    "expires_in": 300,
                    "token_type": "Bearer",
                    "id_token": self.id_token,
                },
            )
        return httpx.Response(404)


class MockedIdentityProvider(IdentityProvider):
    def __init__(self, fake: FakeIdP) -> None:
        self.transport = httpx.MockTransport(fake)
        super().__init__(
            ISSUER,
            CLIENT,
            "client-secret",
            "https://mentoring.example.edu/auth/callback",
            httpx.AsyncClient(transport=self.transport),
        )

    def _client(self, **kwargs: Any) -> AsyncOAuth2Client:  # the token endpoint through the same fake
        return AsyncOAuth2Client(
            self.client_id,
            self._secret,
            code_challenge_method="S256",
            redirect_uri=self.redirect_uri,
            transport=self.transport,
            **kwargs,
        )


NPM_FILES = {
    "@uswds/uswds/dist/css/uswds.min.css": "body{font-family:serif}" * 50,
    "htmx.org/dist/htmx.min.js": "var htmx={version:'2'};" * 50,
    "@uswds/uswds/dist/fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2": "wOF2 regular " * 20,
    "@uswds/uswds/dist/fonts/source-sans-pro/sourcesanspro-bold-webfont.woff2": "wOF2 bold " * 20,
    "@uswds/uswds/dist/fonts/source-sans-pro/sourcesanspro-bold-webfont.ttf": "not on the allow-list",
    "@uswds/uswds/dist/js/uswds.min.js": "not on the allow-list either",
    "@uswds/uswds/dist/img/close.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "@uswds/uswds/package.json": "{}",
}


def fake_npm(root: Path, **changed: str) -> Path:
    """A stand-in for clients/web/node_modules under ``root`` (``changed`` replaces a file's contents, keyed by
    its name without the folders)."""
    for relative, text in NPM_FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(changed.get(path.name, text))
    return root
