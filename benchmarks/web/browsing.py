"""People as browsers: signed in through Keycloak's form, the pages they can reach found by following links."""

import asyncio
import dataclasses
import html
import http.cookiejar
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from benchmarks.web.stack import COOKIE, UUID_SEGMENT, Data, Person
from mesh_local.config import SERVICES, LocalConfig
from mesh_local.keycloak import user_token
from mesh_local.realm import DEMO_PASSWORD
from mesh_local.steps import JourneyError, as_


class BrowserCookies(http.cookiejar.DefaultCookiePolicy):
    """As browsers do: a Secure cookie (the app's ``__Host-`` one) is sent over plain http to localhost,
    a secure context; to any other plain-http host it is not."""

    def return_ok_secure(self, cookie, request) -> bool:  # type: ignore[no-untyped-def]
        if urlsplit(request.get_full_url()).hostname in ("localhost", "127.0.0.1"):
            return True
        return super().return_ok_secure(cookie, request)


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms.append({key: value or "" for key, value in attrs})


class Browser(httpx.AsyncClient):
    """An httpx client keeping cookies as a browser does (``BrowserCookies``). httpx copies its jar into
    one with the default policy for every request, so the jar here is its own, read and written by hooks."""

    def __init__(self, timeout: float = 30) -> None:
        self.kept = httpx.Cookies(http.cookiejar.CookieJar(policy=BrowserCookies()))
        super().__init__(
            timeout=timeout,
            event_hooks={"request": [self._send_cookies], "response": [self._keep_cookies]},
            headers={"accept-encoding": "gzip", "accept-language": "en", "user-agent": "mesh-bench-web"},
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )

    async def _send_cookies(self, request: httpx.Request) -> None:
        if "cookie" in request.headers:
            del request.headers["cookie"]
        self.kept.set_cookie_header(request)

    async def _keep_cookies(self, response: httpx.Response) -> None:
        self.kept.extract_cookies(response)


def browser(timeout: float = 30) -> Browser:
    return Browser(timeout)


async def sign_in(config: LocalConfig, username: str, lands: str = "") -> Browser:
    """The app's /auth/login, to Keycloak's form, the form posted, back through /auth/callback home (staff:
    to the console, ``lands="/console"``)."""
    client = browser()
    form_page = await client.get(f"{config.web_url}/auth/login", follow_redirects=True)
    if form_page.status_code != 200 or urlsplit(str(form_page.url)).port != config.keycloak_port:
        raise JourneyError(f"/auth/login did not lead to the IdP's form: {form_page.status_code} {form_page.url}")
    parser = Forms()
    parser.feed(form_page.text)
    form = next((f for f in parser.forms if f.get("id") == "kc-form-login" or "login-actions" in f.get("action", "")), None)
    if form is None:
        raise JourneyError("no login form on the IdP's page")
    home = await client.post(
        urljoin(str(form_page.url), html.unescape(form["action"])),
        follow_redirects=True,
        data={"username": username, "password": DEMO_PASSWORD, "credentialId": ""},
    )
    cookie = next((c for c in client.kept.jar if c.name == COOKIE), None)
    if home.status_code != 200 or str(home.url).rstrip("/") != config.web_url + lands or cookie is None:
        raise JourneyError(f"signing {username} in ended at {home.status_code} {home.url} (cookie: {cookie is not None})")
    if 'action="/auth/logout"' not in home.text:
        raise JourneyError(f"{username} came back home but not signed in")
    if not (cookie.secure and cookie.path == "/" and cookie.domain.startswith("localhost")):
        raise JourneyError(f"the session cookie is not a __Host- cookie: {cookie}")
    return client


# --- which pages -------------------------------------------------------------------------------------------


class Links(HTMLParser):
    """Same-site links and the assets a page makes a browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower().split()
            if "stylesheet" in rel:
                self.assets.append(("css", a["href"]))
            elif "icon" in rel:
                self.assets.append(("icon", a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(("js", a["src"]))
        elif tag == "img" and a.get("src"):
            self.assets.append(("img", a["src"]))


def route_of(path: str) -> str:
    """/pairs/<uuid>/sessions/<uuid>/move -> /pairs/{id}/sessions/{id}/move; a program's slug -> {program}."""
    parts = path.split("?")[0].split("/")
    return "/".join(
        "{id}" if UUID_SEGMENT.match(part) else "{program}" if index > 1 and parts[index - 1] == "programs" else part
        for index, part in enumerate(parts)
    )


def crawlable(path: str) -> bool:
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "?" not in path
        and "#" not in path
        and not path.startswith(("/auth/", "/assets/", "/theme/", "/language"))
    )


async def candidates(config: LocalConfig, data: Data, person: Person) -> list[str]:
    """The pages the data gives this person, by the services' ids (their tokens, as the demo does)."""
    urls = {service: config.service_url(service) for service in SERVICES}
    pid = person.participant_id
    paths = [
        "/",
        "/inbox",
        "/settings",
        "/accessibility",
        f"/participations/{pid}",
        f"/participations/{pid}/profile",
        f"/participations/{pid}/leave",
        f"/participations/{pid}/erase",
        f"/participations/{pid}/erasure",
        f"/programs/{data.open_program_id}/join",
        f"/programs/{data.roster_program_id}/claim",
        f"/programs/{data.program_id}/join",
    ]
    token = await asyncio.to_thread(user_token, config, person.username)
    async with httpx.AsyncClient(timeout=30) as http:
        listed = await http.get(f"{urls['notify']}/notifications", params={"recipient_id": pid}, headers=as_(token))
        for item in (listed.json() if listed.status_code == 200 else [])[:1]:
            paths.append(f"/inbox/{item['notification_id']}")
        matches = await http.get(f"{urls['matching']}/participants/{pid}/matches", headers=as_(token))
        for match in matches.json() if matches.status_code == 200 else []:
            paths += [
                f"/pairs/{match['match_id']}",
                f"/pairs/{match['match_id']}/agreement",
                f"/matches/{match['match_id']}/decline",
            ]
            sessions = await http.get(f"{urls['scheduling']}/matches/{match['match_id']}/sessions", headers=as_(token))
            upcoming = [s for s in (sessions.json() if sessions.status_code == 200 else []) if s["status"] == "scheduled"]
            for session in upcoming[:1]:
                paths += [
                    f"/pairs/{match['match_id']}/sessions/{session['session_id']}/{action}"
                    for action in ("move", "cancel", "complete")
                ]
    return paths


@dataclasses.dataclass
class Page:
    route: str
    instances: list[tuple[int | None, str]]  # (whose client: None = signed out, path)


async def discover(
    config: LocalConfig, data: Data, clients: list[httpx.AsyncClient], anonymous: httpx.AsyncClient
) -> tuple[list[Page], dict[str, str]]:
    """Every page answering 200 to the people signed in, by route; the routes that did not, and why."""
    found: dict[str, list[tuple[int | None, str]]] = defaultdict(list)
    refused: dict[str, str] = {}
    asked: set[tuple[int, str]] = set()

    async def ask(who: int, path: str) -> str | None:
        if (who, path) in asked:
            return None
        asked.add((who, path))
        answer = await clients[who].get(f"{config.web_url}{path}")
        route = route_of(path)
        if answer.status_code == 200 and "text/html" in answer.headers.get("content-type", ""):
            found[route].append((who, path))
            refused.pop(route, None)
            return answer.text
        if route not in found:
            where = answer.headers.get("location", "")
            refused[route] = f"{answer.status_code}{' -> ' + route_of(where) if where else ''}"
        return None

    for who, person in enumerate(data.people[: len(clients)]):
        pages = [text for path in await candidates(config, data, person) if (text := await ask(who, path))]
        for text in pages:  # and the same-site links those pages show (one step)
            parser = Links()
            parser.feed(text)
            for link in parser.links:
                if crawlable(link):
                    await ask(who, link)
    signed_out = [(None, "/"), (None, "/accessibility")]
    for _, path in signed_out:
        answer = await anonymous.get(f"{config.web_url}{path}")
        assert answer.status_code == 200, (path, answer.status_code)
    pages = [Page("/ (welcome, signed out)", [signed_out[0]]), Page("/accessibility (signed out)", [signed_out[1]])]
    pages += [Page(route, instances) for route, instances in sorted(found.items(), key=lambda item: (item[0] != "/", item[0]))]
    return pages, refused


# --- the load --------------------------------------------------------------------------------------------
