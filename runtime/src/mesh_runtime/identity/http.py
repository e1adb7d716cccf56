"""The FastAPI side: every protected route depends on ``authenticate``; a refusal is a 401 (or 403)
whose ``WWW-Authenticate`` header says why (RFC 6750)."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mesh_runtime.identity.access import Decision, Tenancy, decide
from mesh_runtime.identity.claims import Principal, Role
from mesh_runtime.identity.tokens import TokenRejected, TokenVerifier
from mesh_runtime.rate_limit import charge_failed_attempt, charge_request

REALM = "mentoring-mesh"
# A route marks itself open to platform services (read-only: what events no longer carry) with
# ``openapi_extra=OPEN_TO_SERVICES``; every other route refuses a service's token.
OPEN_TO_SERVICES = {"x-open-to-services": True}
_bearer = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="An OIDC access token from the institution's identity provider."
)


def challenge(error: str | None, description: str) -> str:
    # The description may quote the token's own header (a kid, an alg): printable ASCII only, so a
    # forged value can neither break the header nor turn the refusal into a server error.
    safe = "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in description)
    parts = [f'realm="{REALM}"'] + ([f'error="{error}"'] if error else []) + [f'error_description="{safe}"']
    return "Bearer " + ", ".join(parts)


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The request's principal, from its bearer token; refused unless the token verifies."""
    if credentials is None:
        supplied = request.headers.get("Authorization")
        description = "no bearer token" if not supplied else "Authorization header is not 'Bearer <token>'"
        if supplied:  # a request with no header at all was charged to its address by the middleware
            charge_failed_attempt(request)
        raise HTTPException(
            401,
            detail=description,
            headers={"WWW-Authenticate": challenge(None if not supplied else "invalid_request", description)},
        )
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        principal = await verifier.verify(credentials.credentials)
    except TokenRejected as rejected:
        charge_failed_attempt(request)  # 429 instead, once the address has spent its budget
        raise HTTPException(
            rejected.status,
            detail=rejected.description,
            headers={"WWW-Authenticate": challenge(rejected.error, rejected.description)},
        ) from rejected
    if principal.is_service and not _open_to_services(request):
        raise HTTPException(403, detail="this route is not open to platform services")
    charge_request(request, principal)  # the person's (or service's) own budget, now that it is known
    request.state.principal = principal
    return principal


def _open_to_services(request: Request) -> bool:
    extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    return extra.get("x-open-to-services") is True


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def authorize(
    principal: Principal,
    resource: Tenancy | None,
    what: str,
    *,
    coordinators_may: bool = True,
    owners_may: bool = True,
    services_may: bool = False,
) -> None:
    """Refuse unless the access rule allows: 404 for what the caller may not know exists (or what does
    not), 403 for a known resource in their own institution that is not theirs to touch."""
    decision = (
        Decision.HIDDEN
        if resource is None
        else decide(principal, resource, coordinators_may=coordinators_may, owners_may=owners_may, services_may=services_may)
    )
    if decision is Decision.HIDDEN:
        raise HTTPException(404, detail=f"no {what}")
    if decision is Decision.FORBIDDEN:
        raise HTTPException(403, detail=f"{what} is not yours to see or change")


def require_role(principal: Principal, role: Role, action: str) -> None:
    if role not in principal.roles:
        raise HTTPException(403, detail=f"only {_article(role.value)} {role.value} may {action}")


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
