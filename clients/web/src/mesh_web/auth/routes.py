"""Sign-in, sign-out and the IdP's back-channel logout.

- Sign-in goes to the IdP's own page (in the visitor's language) and comes back to /auth/callback,
  where a new session (new id) begins; a form kept from an expired session comes along.
- Sign-out ends the session here, then at the IdP (RP-initiated logout), then lands on the home page.
- The IdP calls /auth/backchannel-logout when someone signs out elsewhere (or an admin ends their
  session): every session of theirs here ends at once.
"""

from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, Response

from mesh_web import storage
from mesh_web.auth.oidc import SignIn, SignInFailed
from mesh_web.rendering import page, see_other
from mesh_web.visit import VisitDep

router = APIRouter(prefix="/auth")


def safe_return(path: str | None) -> str:
    """Only a path of this site: never another host (an open redirect). No control characters either: a
    browser drops tabs and newlines from a link, so ``/\\t/evil.example`` written into a page is ``//evil.example``."""
    if (
        not path
        or not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or len(path) > 2000
        or not path.isprintable()
    ):
        return "/"
    return path


@router.get("/login")
async def login(visit: VisitDep, next: str | None = None) -> Response:
    wiring = visit.request.app.state.wiring
    sign_in = SignIn.begin(safe_return(next))
    visit.session.data["sign_in"] = sign_in.__dict__
    visit.session.changed = True
    return see_other(await wiring.idp.authorization_url(sign_in, visit.language))


@router.get("/callback")
async def callback(visit: VisitDep, state: str = "", code: str = "", error: str | None = None) -> Response:
    wiring = visit.request.app.state.wiring
    pending = visit.session.data.get("sign_in")
    if error or not pending or not code or state != pending.get("state"):
        return page(visit, "signin_failed.html", status=400, reason=error or "state")
    sign_in = SignIn(**pending)
    try:
        tokens, claims = await wiring.idp.finish(sign_in, code)
    except SignInFailed:
        return page(visit, "signin_failed.html", status=400, reason="token")
    access = jwt.decode(tokens["access_token"], options={"verify_signature": False})  # the IdP's, just fetched over TLS
    who = who_from(claims, access)
    who["locale"] = await storage.saved_language(wiring.pool, claims["sub"]) or who["locale"]
    kept = {key: visit.session.data[key] for key in ("form", "language", "zone") if key in visit.session.data}
    visit.request.state.new_session = await wiring.sessions.begin_signed_in(
        visit.session, {"tokens": tokens, "who": who, **kept}, subject=claims["sub"], idp_session=claims.get("sid")
    )
    return see_other(sign_in.return_to)


def who_from(id_claims: dict[str, Any], access: dict[str, Any]) -> dict[str, Any]:
    return {
        "subject": id_claims["sub"],
        "name": id_claims.get("name") or id_claims.get("preferred_username") or "",
        "username": id_claims.get("preferred_username") or "",
        "email": access.get("email") if access.get("email_verified") else None,
        "institution": access.get("institution"),
        "campuses": access.get("campuses") or [],
        "roles": access.get("roles") or [],
        "locale": id_claims.get("locale"),
    }


@router.post("/logout")
async def logout(visit: VisitDep) -> Response:
    wiring = visit.request.app.state.wiring
    id_token = (visit.session.data.get("tokens") or {}).get("id_token")
    if visit.session.stored:
        await wiring.sessions.end(visit.session)
    return see_other(await wiring.idp.logout_url(id_token, f"{wiring.settings.origin}/", visit.language))


@router.post("/backchannel-logout")
async def backchannel_logout(request: Request, logout_token: Annotated[str, Form(max_length=20_000)]) -> Response:
    wiring = request.app.state.wiring
    try:
        claims = await wiring.idp.verify_logout_token(logout_token)
    except SignInFailed as error:
        return PlainTextResponse(f"invalid logout token: {error}", status_code=400)
    ended = await wiring.sessions.end_idp_session(idp_session=claims.get("sid"), subject=claims.get("sub"))
    return PlainTextResponse(f"ended {ended} session(s)", headers={"cache-control": "no-store"})
