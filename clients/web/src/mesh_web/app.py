"""The one place mesh-web is wired: settings, its database, the IdP, the services' clients, templates,
the security middleware, how failures become pages, and the routes."""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response

from mesh_web import storage
from mesh_web.api.base import ServiceUnavailable, SignInRequired
from mesh_web.assets import Assets
from mesh_web.auth.oidc import IdentityProvider
from mesh_web.auth.routes import router as auth_router
from mesh_web.failures import broken, not_found, sign_in_required, unavailable, unreadable_request
from mesh_web.i18n import Catalogues
from mesh_web.pages import ROUTERS
from mesh_web.rendering import environment
from mesh_web.security import WebSecurity
from mesh_web.sessions.sealing import Sealer
from mesh_web.sessions.store import SessionStore
from mesh_web.settings import WebSettings
from mesh_web.themes import Themes
from mesh_web.visit import COOKIE


@dataclass
class Wiring:
    settings: WebSettings
    pool: asyncpg.Pool
    http: httpx.AsyncClient
    idp: IdentityProvider
    sessions: SessionStore
    catalogues: Catalogues
    assets: Assets
    themes: Themes
    templates: Environment


def create_app(settings: WebSettings | None = None, themes_file: Path | None = None) -> FastAPI:
    settings = settings or WebSettings()  # type: ignore[call-arg]  # from the environment
    assets = Assets(settings.assets_dir)
    themes = Themes.load(themes_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.database_migration_url:
            await storage.migrate(settings.database_migration_url, settings.database_url)
        pool = await storage.open_pool(settings.database_url)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=40)
        async with httpx.AsyncClient(timeout=settings.api_timeout_seconds, limits=limits) as http:
            idp = IdentityProvider(
                settings.oidc_issuer,
                settings.oidc_client_id,
                settings.oidc_client_secret.get_secret_value(),
                f"{settings.origin}/auth/callback",
                http,
                settings.oidc_discovery_url,
            )
            sessions = SessionStore(
                pool,
                Sealer(settings.keys()),
                idle=timedelta(minutes=settings.session_idle_minutes),
                lifetime=timedelta(hours=settings.session_max_hours),
            )
            app.state.wiring = Wiring(
                settings,
                pool,
                http,
                idp,
                sessions,
                Catalogues(settings.pseudo_locale),
                assets,
                themes,
                environment(assets, themes),
            )
            try:
                yield
            finally:
                await pool.close()

    app = FastAPI(title="Mentoring Mesh", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(ServiceUnavailable, unavailable)
    app.add_exception_handler(RequestValidationError, unreadable_request)
    app.add_exception_handler(StarletteHTTPException, not_found)
    app.add_exception_handler(Exception, broken)
    app.middleware("http")(keep_session)
    app.add_middleware(GZipMiddleware, minimum_size=600)  # pages; assets come compressed already (left as they are)
    app.add_middleware(WebSecurity, origin=settings.origin, idp_issuer=settings.oidc_issuer)
    app.include_router(auth_router)
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/assets/{version}/{name:path}", include_in_schema=False)
    async def asset(request: Request, version: str, name: str) -> Response:
        return assets.response(request, version, name)

    @app.get("/healthz", include_in_schema=False)
    async def live() -> Response:
        return Response("ok", media_type="text/plain")

    @app.get("/readyz", include_in_schema=False)
    async def ready(request: Request) -> Response:
        try:
            await request.app.state.wiring.pool.fetchval("SELECT count(*) FROM (SELECT 1 FROM web_sessions LIMIT 1) AS migrated")
        except (OSError, asyncpg.PostgresError):
            return Response("database unavailable", status_code=503, media_type="text/plain")
        return Response("ready", media_type="text/plain")

    return app


async def keep_session(request: Request, call_next) -> Response:
    """After a page: store what it put in the session, and give the browser the session's id (a new
    one after sign-in). The cookie: ``__Host-`` (this host only, Secure, Path=/), HttpOnly, SameSite=Lax
    so a link in a notification e-mail opens the page signed in; cross-site posts are refused anyway."""
    started = time.perf_counter()
    response = await call_next(request)
    session = getattr(request.state, "new_session", None)
    visit = getattr(request.state, "visit", None)
    if session is None and visit is not None and visit.session.changed:
        session = visit.session
        await request.app.state.wiring.sessions.save(session)
    if session is not None and request.cookies.get(COOKIE) != session.cookie:
        response.set_cookie(COOKIE, session.cookie, path="/", secure=True, httponly=True, samesite="lax")
    if visit is not None:  # where a page's time went: its own, and each service's (read by make bench-web)
        spent = [f"{name};dur={seconds * 1000:.1f}" for name, seconds in visit.service_seconds.items()]
        response.headers["server-timing"] = ", ".join([f"app;dur={(time.perf_counter() - started) * 1000:.1f}", *spent])
    return response
