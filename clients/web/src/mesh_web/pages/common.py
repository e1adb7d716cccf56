"""Pages every visitor has: the language switch, the accessibility statement, the institution's theme."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from mesh_web import storage
from mesh_web.auth.routes import safe_return
from mesh_web.rendering import page, see_other
from mesh_web.visit import LANGUAGE_COOKIE, VisitDep

router = APIRouter()


@router.post("/language")
async def choose_language(
    visit: VisitDep, language: Annotated[str, Form(max_length=10)], page_path: Annotated[str, Form(alias="_page")] = "/"
) -> Response:
    wiring = visit.request.app.state.wiring
    if language not in wiring.catalogues.languages:
        language = "en"
    if visit.who is not None:  # signed in: their saved preference, for every session to come
        await storage.save_language(wiring.pool, visit.who.subject, language)
        visit.session.data["who"]["locale"] = language
        visit.session.changed = True
    elif visit.session.stored:
        visit.session.data["language"] = language
        visit.session.changed = True
    response = see_other(safe_return(page_path))
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, path="/", secure=True, httponly=True, samesite="lax")
    return response


@router.get("/accessibility")
async def accessibility(visit: VisitDep) -> Response:
    return page(visit, "accessibility.html")


@router.get("/theme/{name}-{version}.css")
async def theme_css(request: Request, name: str, version: str) -> Response:
    theme = request.app.state.wiring.themes.of(None if name == "default" else name)
    return Response(
        theme.css(),
        media_type="text/css",
        headers={"cache-control": "public, max-age=31536000, immutable"} if version == theme.version else {},
    )


@router.get("/theme/{name}-{version}.svg")
async def theme_logo(request: Request, name: str, version: str) -> Response:
    theme = request.app.state.wiring.themes.of(name)
    if not theme.logo_svg:
        return Response("no logo", status_code=404, media_type="text/plain")
    return Response(theme.logo_svg, media_type="image/svg+xml")
