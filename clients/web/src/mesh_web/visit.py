"""One request as the app sees it: whose session, which language and time zone, and the service
clients acting as that person. Pages take it as a dependency: ``visit: VisitDep`` (anyone) or
``person: PersonDep`` (signed in; otherwise to the IdP's sign-in page, the form kept)."""

import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from mesh_web import i18n
from mesh_web.api.base import SignInRequired
from mesh_web.api.matching import MatchingApi
from mesh_web.api.notify import NotifyApi
from mesh_web.api.profile import ProfileApi
from mesh_web.api.scheduling import SchedulingApi
from mesh_web.auth.oidc import RefreshFailed, tokens_fresh
from mesh_web.sessions.store import Session

COOKIE = "__Host-mesh_session"
REMEMBER_SECONDS, REMEMBER_MOST = 10.0, 20_000
_PARTICIPATIONS: dict[bytes, tuple[float, list[dict[str, Any]]]] = {}  # session -> (until, participations)
_PROGRAMS: dict[tuple[str | None, str], tuple[float, dict[str, Any]]] = {}  # (institution, program) -> (until, it)
LANGUAGE_COOKIE = "mesh_language"


@dataclass
class Who:
    """Who signed in, from the tokens the IdP gave at sign-in (for showing and choosing; the services
    decide what they may do from the access token they verify themselves)."""

    subject: str
    name: str
    username: str
    email: str | None
    institution: str | None
    campuses: list[str]
    roles: list[str]
    locale: str | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_staff(self) -> bool:
        """A coordinator or an admin: the console is theirs (each service still decides what they may do)."""
        return self.is_admin or "coordinator" in self.roles

    @staticmethod
    def of(data: dict[str, Any]) -> "Who":
        return Who(
            **{key: data.get(key) for key in ("subject", "name", "username", "email", "institution", "locale")},
            campuses=list(data.get("campuses") or []),
            roles=list(data.get("roles") or []),
        )


@dataclass
class Visit:
    request: Request
    session: Session
    language: str
    zone_name: str
    service_seconds: dict[str, float] = field(default_factory=dict)
    _apis: dict[str, Any] = field(default_factory=dict)

    @property
    def who(self) -> Who | None:
        return Who.of(self.session.data["who"]) if self.session.signed_in and "who" in self.session.data else None

    async def my_participations(self) -> list[dict[str, Any]]:
        """The person's participations (profile's /me), remembered for a few seconds per session: nearly
        every page asks which participations are theirs, and they change only when this app changes them
        (join, claim, leave, erase forget it here) or a coordinator does (seen within ``REMEMBER_SECONDS``)."""
        key = self.session.id_hash
        remembered = _PARTICIPATIONS.get(key)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        found = await self.profile.my_participations()
        if len(_PARTICIPATIONS) >= REMEMBER_MOST:
            _PARTICIPATIONS.pop(next(iter(_PARTICIPATIONS)))
        _PARTICIPATIONS[key] = (time.monotonic() + REMEMBER_SECONDS, found)
        return found

    async def program(self, program_id: str) -> dict[str, Any]:
        """A program's definition, remembered for ``REMEMBER_SECONDS`` per institution: the same for everyone
        in it, changed rarely (by staff), and read by most pages of a participation."""
        key = (self.who.institution if self.who else None, program_id)
        remembered = _PROGRAMS.get(key)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        found = await self.profile.program(program_id)
        if len(_PROGRAMS) >= REMEMBER_MOST:
            _PROGRAMS.pop(next(iter(_PROGRAMS)))
        _PROGRAMS[key] = (time.monotonic() + REMEMBER_SECONDS, found)
        return found

    def forget_participations(self) -> None:
        _PARTICIPATIONS.pop(self.session.id_hash, None)

    def spent(self, service: str, seconds: float) -> None:
        self.service_seconds[service] = self.service_seconds.get(service, 0.0) + seconds

    async def token(self, force: bool = False) -> str:
        wiring = self.request.app.state.wiring
        tokens = self.session.data.get("tokens") or {}
        if not self.session.signed_in:
            raise SignInRequired()
        if force or not tokens_fresh(tokens):
            stale = tokens.get("access_token")

            def usable(stored: dict[str, Any]) -> bool:  # forced (a service said 401): only a newer token will do
                return tokens_fresh(stored) and (not force or stored.get("access_token") != stale)

            try:
                refreshed = await wiring.sessions.refresh_once(self.session, usable, wiring.idp.refresh)
            except RefreshFailed as error:
                await wiring.sessions.end(self.session)
                raise SignInRequired() from error
            if refreshed is None:
                raise SignInRequired()
            tokens = refreshed
        return tokens["access_token"]

    def _api(self, kind: type, url_setting: str) -> Any:
        if kind.name not in self._apis:
            wiring = self.request.app.state.wiring
            self._apis[kind.name] = kind(getattr(wiring.settings, url_setting), wiring.http, self.token, self.spent)
        return self._apis[kind.name]

    @property
    def profile(self) -> ProfileApi:
        return self._api(ProfileApi, "profile_url")

    @property
    def matching(self) -> MatchingApi:
        return self._api(MatchingApi, "matching_url")

    @property
    def scheduling(self) -> SchedulingApi:
        return self._api(SchedulingApi, "scheduling_url")

    @property
    def notify(self) -> NotifyApi:
        return self._api(NotifyApi, "notify_url")


async def open_visit(request: Request) -> Visit:
    if hasattr(request.state, "visit"):
        return request.state.visit
    wiring = request.app.state.wiring
    started = time.perf_counter()
    session = await wiring.sessions.load(request.cookies.get(COOKIE)) or wiring.sessions.fresh()
    who = session.data.get("who") or {}
    language = wiring.catalogues.choose(
        saved=who.get("locale"),
        chosen=session.data.get("language") or request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )
    zone_name = session.data.get("zone") or "UTC"
    visit = Visit(request, session, language, zone_name)
    visit.spent("sessions", time.perf_counter() - started)
    i18n.current_language.set(language)
    i18n.current_translations.set(wiring.catalogues.get(language))
    i18n.current_zone.set(i18n.zone(zone_name))
    request.state.visit = visit
    return visit


async def require_person(visit: Annotated[Visit, Depends(open_visit)]) -> Visit:
    if visit.who is None:
        raise SignInRequired()
    return visit


async def require_staff(visit: Annotated[Visit, Depends(require_person)]) -> Visit:
    """The console's pages: a participant is told nothing is there (as for any page not theirs)."""
    if not visit.who.is_staff:
        raise HTTPException(404)
    return visit


async def require_admin(visit: Annotated[Visit, Depends(require_staff)]) -> Visit:
    if not visit.who.is_admin:
        raise HTTPException(404)
    return visit


VisitDep = Annotated[Visit, Depends(open_visit)]
PersonDep = Annotated[Visit, Depends(require_person)]
StaffDep = Annotated[Visit, Depends(require_staff)]
AdminDep = Annotated[Visit, Depends(require_admin)]
