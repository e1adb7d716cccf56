"""Verifies a bearer access token: its signature against the issuer's published keys, an explicit
algorithm allow-list, then ``iss``, ``aud``, ``exp`` and ``nbf`` with a small leeway.

Each refusal says why (RFC 6750 ``error_description``), so a caller or an operator can tell an
expired token from one meant for another service.
"""

from collections.abc import Sequence
from typing import Any

import jwt

from mesh_runtime.identity.claims import ClaimMapping, ClaimsIncomplete, Principal, principal_from_claims
from mesh_runtime.identity.keys import IssuerKeys

# Asymmetric algorithms only: a symmetric (HS*) token could be signed with the issuer's public key.
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})


class TokenRejected(Exception):
    """The token does not let its bearer in; ``error`` is the RFC 6750 error code."""

    def __init__(self, description: str, error: str = "invalid_token", status: int = 401) -> None:
        super().__init__(description)
        self.description = description
        self.error = error
        self.status = status


class TokenVerifier:
    def __init__(self, keys: IssuerKeys, audience: str, *, algorithms: Sequence[str] = ("RS256", "ES256"),
                 leeway_seconds: float = 30.0, mapping: ClaimMapping | None = None) -> None:
        unsafe = set(algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ValueError(f"algorithms {sorted(unsafe)} are not allowed: only {sorted(ASYMMETRIC_ALGORITHMS)}")
        self.keys = keys
        self.audience = audience
        self.algorithms = list(algorithms)
        self.leeway = leeway_seconds
        self.mapping = mapping or ClaimMapping()

    async def verify(self, token: str) -> Principal:
        claims = await self.claims(token)
        try:
            return principal_from_claims(claims, self.mapping)
        except ClaimsIncomplete as error:
            raise TokenRejected(str(error), error="insufficient_scope", status=403) from error

    async def claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as error:
            raise TokenRejected(f"malformed token: {error}") from error
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise TokenRejected(f"algorithm {algorithm!r} is not accepted (accepted: {', '.join(self.algorithms)})")
        key = await self.keys.key(header.get("kid"))
        if key is None:
            raise TokenRejected(f"signing key {header.get('kid')!r} is not one the issuer publishes")
        try:
            return jwt.decode(
                token, key=key, algorithms=[algorithm], audience=self.audience, issuer=self.keys.issuer,
                leeway=self.leeway, options={"require": ["exp", "iss", "aud", "sub"]},
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
        except jwt.InvalidTokenError as error:
            raise TokenRejected(f"invalid token: {error}") from error
