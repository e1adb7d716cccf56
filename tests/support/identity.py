"""A token issuer the tests own (LocalIssuer): its keys, its discovery document and JWKS served over real HTTP on
loopback, so services verify its tokens exactly as they verify Keycloak's. It mints tokens for any
principal the tests need (many participants, several institutions) and forges the bad ones.

The real Keycloak of the local stack is used where a person's token matters (tests/e2e and
tests/integration/identity); this issuer never accepts anything: it only signs. Its token endpoint
gives the platform's services their own tokens (client credentials), to its registered clients with
their exact secrets only.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mesh_runtime.registry import service_names

INSTITUTION = "test-university"
CAMPUSES = ("north", "south")
SERVICES = service_names()


def service_secret(service: str) -> str:
    return f"{service}-test-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class LocalIssuer:
    """Signs with an RSA key (RS256) and an EC key (ES256); both published in its JWKS."""

    rsa_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ec_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    rsa_kid: str = "rsa-1"
    published: bool = True  # False: discovery and JWKS answer 503, as an issuer that is down
    fetches: int = 0
    service_clients: dict[str, str] = field(default_factory=lambda: {f"mesh-{s}": service_secret(s) for s in SERVICES})
    tokens_issued: int = 0

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/realms/test"

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key, alg in ((self.rsa_kid, self.rsa_key, "RS256"), ("ec-1", self.ec_key, "ES256")):
            jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
            keys.append(jwk | {"kid": kid, "alg": alg, "use": "sig"})
        return {"keys": keys}

    @cached_property
    def public_pem(self) -> bytes:
        return self.rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def claims(
        self,
        *,
        audience: str | list[str],
        subject: str | None = None,
        institution: str | None = INSTITUTION,
        campuses: tuple[str, ...] = CAMPUSES,
        roles: tuple[str, ...] = ("admin",),
        lifetime: int = 4 * 3600,
        **extra: Any,
    ) -> dict[str, Any]:
        now = int(time.time())  # lifetime: hours, since modules mint tokens at import and the suite runs long
        claims = {
            "iss": self.url,
            "aud": audience,
            "sub": subject or str(uuid.uuid4()),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": str(uuid.uuid4()),
            "azp": "mesh-cli",
            "roles": list(roles),
            "campuses": list(campuses),
        }
        if institution is not None:
            claims["institution"] = institution
        if "email" in extra:  # as Keycloak: an address comes with whether the IdP verified it
            extra = {"email_verified": True} | extra
        return {name: value for name, value in (claims | extra).items() if value is not None}  # None: left out

    def token(self, *, algorithm: str = "RS256", kid: str | None = None, key: Any = None, **claims: Any) -> str:
        signing_key = key or (self.rsa_key if algorithm.startswith(("RS", "PS")) else self.ec_key)
        kid = kid or (self.rsa_kid if algorithm.startswith(("RS", "PS")) else "ec-1")
        return jwt.encode(self.claims(**claims), signing_key, algorithm=algorithm, headers={"kid": kid})

    def raw_token(self, header: Any, payload: Any) -> str:
        """Signed with the issuer's RSA key, whatever the header and body hold (hostile ones included)."""
        encoded = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        signer = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256)
        return f"{encoded}.{_b64(signer.sign(encoded.encode(), self.rsa_key))}"

    def unsigned_token(self, **claims: Any) -> str:
        """``alg: none``: no signature at all."""
        header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": "rsa-1"}).encode())
        return f"{header}.{_b64(json.dumps(self.claims(**claims)).encode())}."

    def hs256_with_public_key(self, **claims: Any) -> str:
        """The classic key-confusion forgery: HMAC keyed with the issuer's public key."""
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
        body = _b64(json.dumps(self.claims(**claims)).encode())
        signature = hmac.new(self.public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(signature)}"

    def client_credentials(self, client_id: str | None, secret: str | None) -> str | None:
        """A service's own token (role ``service``, every platform audience), or None for a bad client."""
        if client_id is None or not hmac.compare_digest(self.service_clients.get(client_id, "\0"), secret or ""):
            return None
        self.tokens_issued += 1
        return self.token(
            audience=[f"mesh-{s}" for s in SERVICES],
            subject=f"service-account-{client_id}",
            institution=None,
            campuses=(),
            roles=("service",),
            azp=client_id,
        )

    def close(self) -> None:
        self._server.shutdown()


def _handler(issuer: LocalIssuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not issuer.published:
                self.send_error(503)
                return
            if self.path.endswith("/.well-known/openid-configuration"):
                body = {
                    "issuer": issuer.url,
                    "jwks_uri": f"{issuer.url}/protocol/openid-connect/certs",
                    "token_endpoint": f"{issuer.url}/protocol/openid-connect/token",
                }
            elif self.path.endswith("/protocol/openid-connect/certs"):
                issuer.fetches += 1
                body = issuer.jwks()
            else:
                self.send_error(404)
                return
            self._json(200, body)

        def do_POST(self) -> None:
            if not issuer.published or not self.path.endswith("/protocol/openid-connect/token"):
                self.send_error(503 if not issuer.published else 404)
                return
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
            client_id, secret = (form.get("client_id") or [None])[0], (form.get("client_secret") or [None])[0]
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):  # client_secret_basic, the default of OAuth clients
                client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                client_id, secret = urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
            if form.get("grant_type") != ["client_credentials"]:
                self._json(400, {"error": "unsupported_grant_type"})
            elif (token := issuer.client_credentials(client_id, secret)) is None:
                self._json(401, {"error": "invalid_client", "error_description": "unknown client or wrong secret"})
            else:
                self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 600})

        def _json(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


_ISSUER: LocalIssuer | None = None


def local_issuer() -> LocalIssuer:
    """The run's one test issuer, started on first use."""
    global _ISSUER
    if _ISSUER is None:
        _ISSUER = LocalIssuer()
    return _ISSUER


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_(
    service: str,
    *roles: str,
    subject: str | None = None,
    institution: str = INSTITUTION,
    campuses: tuple[str, ...] = CAMPUSES,
    **claims: Any,
) -> dict[str, str]:
    """Headers of a request to ``service`` by a principal with these roles (a new account unless ``subject``)."""
    return bearer(
        local_issuer().token(
            audience=f"mesh-{service}", roles=roles, subject=subject, institution=institution, campuses=campuses, **claims
        )
    )


def as_person(
    service: str, subject: str | None = None, campuses: tuple[str, ...] = ("north",), email: str | None = None, **claims: Any
) -> dict[str, str]:
    """A participant; ``email``: the address their institution vouches for (``email_verified: true``),
    without which they cannot join; ``claims``: what else it says of them (``affiliation=``...)."""
    return as_(service, "participant", subject=subject, campuses=campuses, **({"email": email} if email else {}), **claims)
