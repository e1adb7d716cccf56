"""The FastAPI side: every protected route depends on ``authenticate``; a refusal is a 401 (or 403)
whose ``WWW-Authenticate`` header says why (RFC 6750)."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mesh_runtime.identity.claims import Principal
from mesh_runtime.identity.tokens import TokenRejected, TokenVerifier

REALM = "mentoring-mesh"
_bearer = HTTPBearer(auto_error=False, scheme_name="bearer", description="An OIDC access token from the institution's identity provider.")


def challenge(error: str | None, description: str) -> str:
    parts = [f'realm="{REALM}"'] + ([f'error="{error}"'] if error else []) + [
        'error_description="' + description.replace('"', "'") + '"']
    return "Bearer " + ", ".join(parts)


async def authenticate(request: Request,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The request's principal, from its bearer token; refused unless the token verifies."""
    if credentials is None:
        supplied = request.headers.get("Authorization")
        description = "no bearer token" if not supplied else "Authorization header is not 'Bearer <token>'"
        raise HTTPException(401, detail=description, headers={"WWW-Authenticate": challenge(
            None if not supplied else "invalid_request", description)})
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        principal = await verifier.verify(credentials.credentials)
    except TokenRejected as rejected:
        raise HTTPException(rejected.status, detail=rejected.description,
                            headers={"WWW-Authenticate": challenge(rejected.error, rejected.description)}) from rejected
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]
