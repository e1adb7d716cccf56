"""Every service is an OAuth 2.0 / OIDC resource server: a bearer access token, checked once here.

``keys`` keeps the issuer's signing keys (OIDC discovery, JWKS cached and refreshed once on an
unknown key id), ``tokens`` verifies a token against them, ``claims`` turns its claims into a
``Principal`` through a configurable mapping, ``http`` is the FastAPI dependency every protected
route goes through, and ``access`` is the rule deciding what a principal may see and do.
"""

from mesh_runtime.identity.access import Decision, Tenancy, decide
from mesh_runtime.identity.claims import ClaimMapping, Principal, Role
from mesh_runtime.identity.tokens import TokenRejected, TokenVerifier

__all__ = ["ClaimMapping", "Decision", "Principal", "Role", "Tenancy", "TokenRejected", "TokenVerifier", "decide"]
