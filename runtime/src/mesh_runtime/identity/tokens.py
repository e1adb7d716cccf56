"""Verifies a bearer access token: its signature against the issuer's published keys, an explicit
algorithm allow-list, then ``iss``, ``aud``, ``exp`` and ``nbf`` with a small leeway; that it is an
access token (not an ID or refresh token) and was issued to one of the platform's own clients.

Whatever a token holds, a refusal is a ``TokenRejected`` (a 401), never an unhandled error: every
error the JWT library can raise is one of its ``PyJWTError``s, and every header value is checked for
type before use. Each refusal says why (RFC 6750 ``error_description``), so a caller or an operator
can tell an expired token from one meant for another service.
"""

from collections.abc import Collection, Sequence
from typing import Any

import jwt

from mesh_runtime.identity.claims import (
    PEOPLES_CLIENTS,
    ClaimMapping,
    ClaimsIncomplete,
    Principal,
    principal_from_claims,
)
from mesh_runtime.identity.keys import IssuerKeys

# Asymmetric algorithms only: a symmetric (HS*) token could be signed with the issuer's public key.
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
MAX_TOKEN_LENGTH = 16_384  # far above any issuer's access token; bounds the work a forged one costs
MAX_KEY_ID_LENGTH = 256
# The header ``typ`` of an access token: RFC 9068's at+jwt, or plain JWT (Keycloak, Entra ID, Okta).
ACCESS_TOKEN_HEADER_TYPES = frozenset({"jwt", "at+jwt", "application/at+jwt"})
# Keycloak marks its tokens in the body: ``Bearer`` for access tokens, ``ID``, ``Refresh``, ``Logout`` otherwise.
ACCESS_TOKEN_BODY_TYPES = frozenset({"bearer"})


class TokenRejected(Exception):
    """The token does not let its bearer in; ``error`` is the RFC 6750 error code."""

    def __init__(self, description: str, error: str = "invalid_token", status: int = 401) -> None:
        super().__init__(description)
        self.description = description
        self.error = error
        self.status = status


class TokenVerifier:
    def __init__(
        self,
        keys: IssuerKeys,
        audience: str,
        *,
        algorithms: Sequence[str] = ("RS256", "ES256"),
        leeway_seconds: float = 30.0,
        mapping: ClaimMapping | None = None,
        allowed_clients: Collection[str] = PEOPLES_CLIENTS,
    ) -> None:
        unsafe = set(algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ValueError(f"algorithms {sorted(unsafe)} are not allowed: only {sorted(ASYMMETRIC_ALGORITHMS)}")
        self.keys = keys
        self.audience = audience
        self.algorithms = list(algorithms)
        self.leeway = leeway_seconds
        self.mapping = mapping or ClaimMapping()
        # The clients whose tokens this API takes: people's apps, and the platform's own services.
        self.allowed_clients = frozenset(allowed_clients) | self.mapping.service_clients

    async def verify(self, token: str) -> Principal:
        claims = await self.claims(token)
        try:
            return principal_from_claims(claims, self.mapping)
        except ClaimsIncomplete as error:
            raise TokenRejected(str(error), error="insufficient_scope", status=403) from error

    async def claims(self, token: str) -> dict[str, Any]:
        header = self._header(token)
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self.algorithms:
            raise TokenRejected(f"algorithm {algorithm!r} is not accepted (accepted: {', '.join(self.algorithms)})")
        key = await self.keys.key(header.get("kid"))
        if key is None:
            raise TokenRejected(f"signing key {header.get('kid')!r} is not one the issuer publishes")
        claims = self._decoded(token, key, algorithm)
        self._require_access_token_of_allowed_client(claims)
        return claims

    def _header(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRejected(f"malformed token: longer than {MAX_TOKEN_LENGTH} characters")
        try:
            header = jwt.get_unverified_header(token)  # also refuses a non-string kid and an unknown crit
        except jwt.PyJWTError as error:
            raise TokenRejected(f"malformed token: {error}") from error
        kid = header.get("kid")
        if kid is not None and (not isinstance(kid, str) or len(kid) > MAX_KEY_ID_LENGTH):
            raise TokenRejected(f"malformed token: the key id must be a string of at most {MAX_KEY_ID_LENGTH} characters")
        kind = header.get("typ")
        if kind is not None and (not isinstance(kind, str) or kind.lower() not in ACCESS_TOKEN_HEADER_TYPES):
            raise TokenRejected(f"not an access token (header typ {kind!r})")
        return header

    def _require_access_token_of_allowed_client(self, claims: dict[str, Any]) -> None:
        kind = claims.get("typ")
        if kind is not None and (not isinstance(kind, str) or kind.lower() not in ACCESS_TOKEN_BODY_TYPES):
            raise TokenRejected(f"not an access token (typ {kind!r})")
        client = claims.get("azp") or claims.get("client_id")
        if not isinstance(client, str) or not client:
            raise TokenRejected("token names no client (azp or client_id)")
        if client not in self.allowed_clients:
            raise TokenRejected(f"token was issued to client {client!r}, which may not call this API")

    def _decoded(self, token: str, key: Any, algorithm: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.keys.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("token expired") from error
        except jwt.ImmatureSignatureError as error:
            raise TokenRejected("token not yet valid (nbf or iat in the future)") from error
        except jwt.InvalidAudienceError as error:
            raise TokenRejected(f"token is not for this service (audience {self.audience!r} expected)") from error
        except jwt.InvalidIssuerError as error:
            raise TokenRejected(f"token was not issued by {self.keys.issuer}") from error
        except jwt.InvalidSignatureError as error:
            raise TokenRejected("signature does not verify") from error
        except jwt.MissingRequiredClaimError as error:
            raise TokenRejected(f"token lacks a required claim: {error.claim}") from error
        except jwt.PyJWTError as error:  # every other refusal the library knows: a bad claim type, a key mismatch
            raise TokenRejected(f"invalid token: {error}") from error
