"""How failures become pages, in one place. Nothing typed is lost on the way:

- Signed out (no session, or the IdP ended it) on a GET: to sign-in, then back to the page. On a form
  post: the fields are kept in the session and the page they came from gets them back after sign-in.
- A service down, slow or refusing for load (503): a page that says so and to try again; a form
  post's fields are kept the same way and the "try again" link restores them.
- A request the app cannot read (a hand-made URL): 400, in words.
"""

from typing import Any
from urllib.parse import quote

import structlog
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response

from mesh_web.auth.routes import safe_return
from mesh_web.rendering import Form, page
from mesh_web.visit import open_visit

log = structlog.get_logger(__name__)
PAGE_FIELD = "_page"  # every form names the page it sits on (a hidden field), so it can be given back there


async def _keep_form(request: Request) -> str | None:
    """Keep a posted form's fields in the session; returns the page to give them back on."""
    if request.method != "POST":
        return None
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None  # a file upload is not kept (nor read: it may be large); its page asks for it again
    try:
        posted = await request.form()
    except Exception:  # noqa: BLE001 - an unreadable body: nothing to keep
        return None
    values: dict[str, Any] = {}
    for key, value in posted.multi_items():
        if isinstance(value, UploadFile) or key == PAGE_FIELD:
            continue
        values[key] = (
            [*values[key], value]
            if key in values and isinstance(values[key], list)
            else ([values[key], value] if key in values else value)
        )
    target = safe_return(posted.get(PAGE_FIELD) if isinstance(posted.get(PAGE_FIELD), str) else None)
    visit = await open_visit(request)
    visit.session.data["form"] = {"page": target, "values": values}
    visit.session.changed = True
    return target


def restore(visit: Any, page_path: str) -> Form | None:
    """The form kept for this page (after a sign-in or an outage), once."""
    kept = visit.session.data.get("form")
    if not kept or kept.get("page") != page_path:
        return None
    visit.session.data.pop("form")
    visit.session.changed = True
    return Form(values=kept.get("values") or {})


async def sign_in_required(request: Request, error: Exception) -> Response:
    kept = await _keep_form(request)
    target = kept or safe_return(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    visit = await open_visit(request)
    if visit.session.stored and visit.session.subject is not None:  # the IdP ended it: start afresh
        await request.app.state.wiring.sessions.end(visit.session)
        visit.session.stored = False
        visit.session.subject = None
        visit.session.data.pop("tokens", None)
        visit.session.data.pop("who", None)
        visit.session.cookie = request.app.state.wiring.sessions.fresh().cookie
        visit.session.changed = True
    location = f"/auth/login?next={quote(target, safe='/')}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"hx-redirect": location})
    return RedirectResponse(location, status_code=303)


async def unavailable(request: Request, error: Exception) -> Response:
    kept = await _keep_form(request)
    visit = await open_visit(request)
    retry = kept or safe_return(request.url.path)
    return page(visit, "unavailable.html", status=503, retry=retry, service=getattr(error, "service", ""), kept=kept is not None)


async def unreadable_request(request: Request, error: Exception) -> Response:
    visit = await open_visit(request)
    return page(visit, "error.html", status=400, status_text="bad_request")


async def not_found(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    visit = await open_visit(request)
    if error.status_code == 405:
        return HTMLResponse("Method not allowed", status_code=405)
    return page(visit, "error.html", status=error.status_code, status_text="not_found")


async def broken(request: Request, error: Exception) -> Response:
    """A fault of ours: a page that says so, never a stack trace; the fault goes to the log."""
    log.exception("page failed", path=request.url.path, error=type(error).__name__)
    kept = await _keep_form(request)
    visit = await open_visit(request)
    return page(
        visit, "unavailable.html", status=500, retry=kept or safe_return(request.url.path), service="", kept=kept is not None
    )
