"""mesh-web, the participants' web app, under load through the running platform (issue 29, item 6).

The whole stack on this machine, on its own state (.mesh/bench-web) and ports (27xxx: not the dev
stack's 18xxx, the test infrastructure's 28xxx or the other benchmarks' 29xxx): PostgreSQL, Kafka,
Keycloak (its realm's mesh-web client pointing back at the app started here), an SMTP catcher, the
four services and mesh-web. Then:

1. Data through the APIs, as the demo journey loads it: Northbridge's admin creates a program and
   imports its roster of 36 with mesh-roster; each student claims their profile with their own token;
   matching proposes; both members accept; some pairs agree terms and complete a session. A second
   program is open to join, and a third's roster waits for the signed-in people to confirm.
2. ``people`` students sign in through the real login flow: the app's /auth/login, Keycloak's own
   form (posted as a browser posts it), back to /auth/callback; the app's ``__Host-`` session cookie
   is kept as a browser keeps it on localhost (a Secure cookie over plain http to localhost only).
3. The pages: every GET page of the journey that answers 200 for them (asked for by the ids the data
   has, plus the same-site links those pages show), grouped by route. Each is asked 60 times one at
   a time (its cost without queueing), then ``requests`` times by as many concurrent sessions as
   people signed in, each after a warm-up. Per page: the app's own time (``Server-Timing: app``), the
   services' share (the sum of the four services' durations it reports: the APIs' time for the same
   data, timed at the app: the baseline of this run), the app's own share (the difference; its
   session store, ``sessions`` in the header, is the app's own), and the latency the client saw.
4. A first visit's bytes, as a new browser fetches them with ``Accept-Encoding: gzip``: the page, each
   stylesheet, script and icon it references, and Source Sans Pro regular and bold (USWDS's body
   text and bold); signed out (the welcome page) and signed in (the home page). Then the same in
   Debian's chromium, when there, by what it really fetched (it also takes a Merriweather face).

Targets: server p95 under 150 ms per page; a first visit under 150 KB compressed (KB = 1,000 bytes).
Prints PASS/FAIL for each and exits 0: a benchmark reports, it does not fail.

Usage: python -m benchmarks.web [requests a page] [people] [--keep]
``--keep`` leaves the stack and its data running; the next run reuses both (``--stop`` stops it).
"""

import asyncio
import dataclasses
import gzip
import html
import http.cookiejar
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from mesh_local.cohort import TOPICS, demo_cohort, write_roster
from mesh_local.config import REPO_ROOT, SERVICES, LocalConfig
from mesh_local.keycloak import user_token
from mesh_local.realm import ADMIN, DEMO_PASSWORD, cohort_username, demo_email
from mesh_local.stack import LocalStack
from mesh_local.steps import JourneyError, as_, eventually

COOKIE = "__Host-mesh_session"
TARGET_P95_MS = 150.0
TARGET_FIRST_VISIT_KB = 150.0  # KB = 1,000 bytes
COHORT = 36
ALONE = 60  # requests a page one at a time: what a page costs without queueing behind others
WARM_UP = 3  # requests for each in flight before timing, and each of a page's instances once
SERVICE_ENV = {
    # The people here ask a page many times a second each, far beyond any person: the services' per-person
    # budget (300 requests a minute, mesh_runtime.rate_limit) would refuse them and measure the limit instead.
    "MESH_RATE_LIMIT_PER_SUBJECT_PER_MINUTE": "0",
}
UUID_SEGMENT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
USED_FONTS = ("sourcesanspro-regular-webfont.woff2", "sourcesanspro-bold-webfont.woff2")


def bench_config() -> LocalConfig:
    return LocalConfig(
        state_dir=REPO_ROOT / ".mesh" / "bench-web", host="127.0.0.1", kafka_port=27092, kafka_controller_port=27093,
        postgres_port=27432, smtp_port=27525, http_port_base=27000, keycloak_port=27080, keycloak_management_port=27090,
        oidc_issuer_override=None, durable=True, timed_work_interval_seconds=30.0)  # the services' default interval


# --- the platform -------------------------------------------------------------------------------------

def start_stack(config: LocalConfig) -> tuple[LocalStack, bool]:
    """Starts what is not running; a stack left by ``--keep`` is reused (returns True then)."""
    stack = LocalStack(config)
    states = stack.status()
    running = [name for name, state in states.items() if state.startswith("running")]
    if not running and config.state_dir.exists():
        shutil.rmtree(config.state_dir)  # nothing of ours runs: start from empty state
    stack.start_infrastructure()
    stack.services.start(extra_env=SERVICE_ENV)
    stack.services.wait_ready()
    stack.web.start()
    stack.web.wait_ready(timeout=90)
    return stack, len(running) == len(states)


# --- the data ------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Person:
    username: str
    participant_id: str
    match_id: str | None = None


@dataclasses.dataclass
class Data:
    program_id: str  # the cohort's, with pairs
    open_program_id: str  # open to join
    roster_program_id: str  # a roster waiting for the signed-in people to confirm
    people: list[Person]  # in pairs first
    pairs: int = 0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(dataclasses.asdict(self)))

    @staticmethod
    def load(path: Path) -> "Data | None":
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        return Data(**{**raw, "people": [Person(**person) for person in raw["people"]]})


def program_body(program_id: str, name: str) -> dict[str, Any]:
    """As the demo journey's admin creates its program: both campuses, every role, both ways of pairing."""
    return {"program_id": program_id, "name": name, "setting": "academic", "campuses": ["north", "south"],
            "matching_mode": "mentor_mentee", "matchmaking": "both", "roles_offered": ["mentor", "mentee", "peer"],
            "topics": list(TOPICS), "default_cadence": "weekly", "session_minutes": 60, "eligibility": [
                {"rule_id": "students", "attribute": "affiliation", "operator": "equals", "value": "student",
                 "summary": "students of Northbridge"}]}


async def expect(response: httpx.Response, what: str, *codes: int) -> Any:
    if response.status_code not in (codes or (200,)):
        raise JourneyError(f"{what} failed: {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


async def import_roster(config: LocalConfig, admin: str, program_id: str, cohort: list[dict[str, Any]],
                        usernames: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-web-roster-") as folder:
        path = Path(folder) / "roster.csv"
        write_roster(path, cohort, usernames)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "mesh_roster.cli", "import", str(path), "--program", program_id,
            "--url", config.service_url("profile"), env=os.environ | {"MESH_TOKEN": admin},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate()
    if process.returncode != 0:
        raise JourneyError(f"the roster import failed ({process.returncode}): {out.decode()} {err.decode()}")


async def load_data(config: LocalConfig, people: int) -> Data:
    run = uuid.uuid4().hex[:6]
    urls = {service: config.service_url(service) for service in SERVICES}
    program_id, open_id, roster_id = f"bench-stem-{run}", f"bench-open-{run}", f"bench-roster-{run}"
    async with httpx.AsyncClient(timeout=30) as http:
        admin = await asyncio.to_thread(user_token, config, ADMIN)
        for pid, name in ((program_id, "First-year STEM peer mentoring"), (open_id, "Study buddies"),
                          (roster_id, "Second-term tutoring")):
            await expect(await http.post(f"{urls['profile']}/programs", json=program_body(pid, name), headers=as_(admin)),
                         f"creating {pid}", 201)
        usernames = [cohort_username(index) for index in range(COHORT)]
        cohort = demo_cohort(COHORT, program_id=program_id)
        for person, username in zip(cohort, usernames, strict=True):
            person["email"] = demo_email(username)
        await import_roster(config, admin, program_id, cohort, usernames)
        tokens: dict[str, str] = {}
        ids: dict[str, str] = {}  # participant id -> username
        for username in usernames:
            tokens[username] = await asyncio.to_thread(user_token, config, username)
            claimed = await expect(await http.post(f"{urls['profile']}/participants/claim", json={"program_id": program_id},
                                                   headers=as_(tokens[username])), f"{username}'s claim")
            ids[claimed["participant_id"]] = username
        print(f"  data: program {program_id}, {COHORT} students claimed their profiles", flush=True)

        async def proposals() -> list[dict[str, Any]] | None:
            seen: dict[str, dict[str, Any]] = {}
            for pid, username in ids.items():
                listed = await http.get(f"{urls['matching']}/participants/{pid}/matches", headers=as_(tokens[username]))
                if listed.status_code != 200:
                    return None
                seen |= {match["match_id"]: match for match in listed.json()}
            return list(seen.values()) if len(seen) >= 4 else None

        proposed = await eventually(proposals, "match proposals", timeout=120)
        while len(again := await proposals() or []) > len(proposed):  # until matching has seen the whole cohort
            proposed = again
            await asyncio.sleep(1.0)
        accepted: list[dict[str, Any]] = []
        for match in proposed:
            if match.get("status") != "proposed":
                continue
            answer = None
            for member in match["participants"]:
                answer = await http.post(f"{urls['matching']}/matches/{match['match_id']}/accept",
                                         json={"participant_id": member["participant_id"]},
                                         headers=as_(tokens[ids[member["participant_id"]]]))
                if answer.status_code != 200:
                    break
            if answer is not None and answer.status_code == 200:
                accepted.append(answer.json())
        print(f"  data: {len(proposed)} matches proposed, {len(accepted)} accepted by both", flush=True)
        for index, match in enumerate(accepted):
            first, second = (member["participant_id"] for member in match["participants"])
            token = tokens[ids[first]]
            sessions_url = f"{urls['scheduling']}/matches/{match['match_id']}/sessions"

            async def scheduled(url: str = sessions_url, token: str = token) -> list[dict[str, Any]] | None:
                answer = await http.get(url, headers=as_(token))
                return answer.json() if answer.status_code == 200 and answer.json() else None

            sessions = await eventually(scheduled, "a pair's first session", timeout=90)
            if index % 2 == 0:  # half the pairs agree their terms: one proposes, the other confirms
                agreements = f"{urls['scheduling']}/matches/{match['match_id']}/agreements"
                await expect(await http.post(agreements, headers=as_(token), json={
                    "participant_id": first, "goals": [{"description": "pass the Calculus II final"},
                                                       {"description": "a study plan for the term"}],
                    "expectations": ["come prepared", "reply within two days"], "cadence": "weekly",
                    "meeting_mode": "online", "session_minutes": 45}), "proposing an agreement", 201)
                await expect(await http.post(f"{agreements}/1/confirm", json={"participant_id": second},
                                             headers=as_(tokens[ids[second]])), "confirming an agreement")
            if index % 3 == 0:  # some have met once and written a reflection
                await expect(await http.post(
                    f"{urls['scheduling']}/sessions/{sessions[0]['session_id']}/complete", headers=as_(token), json={
                        "participant_id": first, "progress_rating": 4,
                        "notes": "We agreed on goals for the term and worked through two past exam questions."}),
                    "completing a session")
        paired = [(member["participant_id"], match["match_id"]) for match in accepted for member in match["participants"]]
        # The signed-in people: the first member of each pair, then second members, then the waiting.
        order = paired[::2] + paired[1::2] + [(pid, None) for pid in ids if pid not in {p for p, _ in paired}]
        chosen: list[Person] = []
        for pid, match_id in order:  # a mentor with room may be in two pairs: once here
            if pid not in {person.participant_id for person in chosen}:
                chosen.append(Person(ids[pid], pid, match_id))
        signed = chosen[:people]
        waiting = [dict(person, program_id=roster_id) for person, username in zip(cohort, usernames, strict=True)
                   if username in {p.username for p in signed}]
        await import_roster(config, admin, roster_id, waiting, [u for u in usernames if u in {p.username for p in signed}])

        async def told() -> bool:
            person = signed[0]
            listed = await http.get(f"{urls['notify']}/notifications", params={"recipient_id": person.participant_id},
                                    headers=as_(tokens[person.username]))
            return listed.status_code == 200 and sum(item["status"] == "sent" for item in listed.json()) >= 2

        await eventually(told, "the first signed-in person's mail in their inbox", timeout=90)
    print(f"  data: agreements in {(len(accepted) + 1) // 2} pairs, a session completed in {(len(accepted) + 2) // 3}; "
          f"programs {open_id} (open to join) and {roster_id} (a roster of the {len(signed)} signed-in people)", flush=True)
    return Data(program_id, open_id, roster_id, chosen, len(accepted))


# --- signing in as a browser does ------------------------------------------------------------------------

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
        super().__init__(timeout=timeout, event_hooks={"request": [self._send_cookies], "response": [self._keep_cookies]},
                         headers={"accept-encoding": "gzip", "accept-language": "en", "user-agent": "mesh-bench-web"},
                         limits=httpx.Limits(max_connections=32, max_keepalive_connections=32))

    async def _send_cookies(self, request: httpx.Request) -> None:
        if "cookie" in request.headers:
            del request.headers["cookie"]
        self.kept.set_cookie_header(request)

    async def _keep_cookies(self, response: httpx.Response) -> None:
        self.kept.extract_cookies(response)


def browser(timeout: float = 30) -> Browser:
    return Browser(timeout)


async def sign_in(config: LocalConfig, username: str) -> Browser:
    """The app's /auth/login, to Keycloak's form, the form posted, back through /auth/callback home."""
    client = browser()
    form_page = await client.get(f"{config.web_url}/auth/login", follow_redirects=True)
    if form_page.status_code != 200 or urlsplit(str(form_page.url)).port != config.keycloak_port:
        raise JourneyError(f"/auth/login did not lead to the IdP's form: {form_page.status_code} {form_page.url}")
    parser = Forms()
    parser.feed(form_page.text)
    form = next((f for f in parser.forms if f.get("id") == "kc-form-login" or "login-actions" in f.get("action", "")), None)
    if form is None:
        raise JourneyError("no login form on the IdP's page")
    home = await client.post(urljoin(str(form_page.url), html.unescape(form["action"])), follow_redirects=True,
                             data={"username": username, "password": DEMO_PASSWORD, "credentialId": ""})
    cookie = next((c for c in client.kept.jar if c.name == COOKIE), None)
    if home.status_code != 200 or str(home.url).rstrip("/") != config.web_url or cookie is None:
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
    return "/".join("{id}" if UUID_SEGMENT.match(part) else "{program}" if index > 1 and parts[index - 1] == "programs"
                    else part for index, part in enumerate(parts))


def crawlable(path: str) -> bool:
    return (path.startswith("/") and not path.startswith("//") and "?" not in path and "#" not in path
            and not path.startswith(("/auth/", "/assets/", "/theme/", "/language")))


async def candidates(config: LocalConfig, data: Data, person: Person) -> list[str]:
    """The pages the data gives this person, by the services' ids (their tokens, as the demo does)."""
    urls = {service: config.service_url(service) for service in SERVICES}
    pid = person.participant_id
    paths = ["/", "/inbox", "/settings", "/accessibility", f"/participations/{pid}", f"/participations/{pid}/profile",
             f"/participations/{pid}/leave", f"/participations/{pid}/erase", f"/participations/{pid}/erasure",
             f"/programs/{data.open_program_id}/join", f"/programs/{data.roster_program_id}/claim",
             f"/programs/{data.program_id}/join"]
    token = await asyncio.to_thread(user_token, config, person.username)
    async with httpx.AsyncClient(timeout=30) as http:
        listed = await http.get(f"{urls['notify']}/notifications", params={"recipient_id": pid}, headers=as_(token))
        for item in (listed.json() if listed.status_code == 200 else [])[:1]:
            paths.append(f"/inbox/{item['notification_id']}")
        matches = await http.get(f"{urls['matching']}/participants/{pid}/matches", headers=as_(token))
        for match in matches.json() if matches.status_code == 200 else []:
            paths += [f"/pairs/{match['match_id']}", f"/pairs/{match['match_id']}/agreement",
                      f"/matches/{match['match_id']}/decline"]
            sessions = await http.get(f"{urls['scheduling']}/matches/{match['match_id']}/sessions", headers=as_(token))
            upcoming = [s for s in (sessions.json() if sessions.status_code == 200 else []) if s["status"] == "scheduled"]
            for session in upcoming[:1]:
                paths += [f"/pairs/{match['match_id']}/sessions/{session['session_id']}/{action}"
                          for action in ("move", "cancel", "complete")]
    return paths


@dataclasses.dataclass
class Page:
    route: str
    instances: list[tuple[int | None, str]]  # (whose client: None = signed out, path)


async def discover(config: LocalConfig, data: Data, clients: list[httpx.AsyncClient],
                   anonymous: httpx.AsyncClient) -> tuple[list[Page], dict[str, str]]:
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

    for who, person in enumerate(data.people[:len(clients)]):
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

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def server_timing(header: str) -> dict[str, float]:
    spent: dict[str, float] = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        found = re.search(r"dur=([0-9.]+)", rest)
        if name and found:
            spent[name] = spent.get(name, 0.0) + float(found.group(1))
    return spent


async def load(config: LocalConfig, page: Page, clients: list[httpx.AsyncClient], anonymous: httpx.AsyncClient,
               requests: int, concurrency: int) -> dict[str, Any]:
    client_ms: list[float] = []
    timings: list[dict[str, float]] = []
    statuses: dict[int, int] = defaultdict(int)
    plan = [page.instances[index % len(page.instances)] for index in range(requests)]
    warm = [page.instances[index % len(page.instances)]
            for index in range(max(WARM_UP * concurrency, len(page.instances)))]

    async def worker(queue: list[tuple[int | None, str]], record: bool) -> None:
        while queue:
            who, path = queue.pop()
            client = anonymous if who is None else clients[who]
            started = time.perf_counter()
            answer = await client.get(f"{config.web_url}{path}")
            elapsed = (time.perf_counter() - started) * 1000
            if record:
                statuses[answer.status_code] += 1
                if answer.status_code == 200:
                    client_ms.append(elapsed)
                    timings.append(server_timing(answer.headers.get("server-timing", "")))

    await asyncio.gather(*(worker(warm, False) for _ in range(concurrency)))
    started = time.perf_counter()
    await asyncio.gather(*(worker(plan, True) for _ in range(concurrency)))
    wall = time.perf_counter() - started
    app = [t.get("app", float("nan")) for t in timings]
    services = [sum(t.get(service, 0.0) for service in SERVICES) for t in timings]
    own = [max(0.0, a - s) for a, s in zip(app, services, strict=True)]  # see "overlapped"
    store = [t.get("sessions", 0.0) for t in timings]
    per_service = {service: round(percentile([t[service] for t in timings if service in t], 0.5), 1)
                   for service in SERVICES if any(service in t for t in timings)}
    calls = {service: round(sum(service in t for t in timings) / max(1, len(timings)), 2) for service in per_service}

    def pair(values: list[float]) -> list[float]:
        return [round(percentile(values, 0.5), 1), round(percentile(values, 0.95), 1)]

    return {"page": page.route, "instances": len(page.instances), "requests": requests, "ok": len(timings),
            "statuses": dict(statuses), "per_second": round(requests / wall, 1),
            "app_ms": pair(app), "services_ms": pair(services), "own_ms": pair(own), "session_store_ms": pair(store),
            "overlapped": round(sum(s > a for a, s in zip(app, services, strict=True)) / max(1, len(app)), 2),
            "client_ms": pair(client_ms), "service_p50_ms": per_service, "services_asked": calls,
            "server_p95_pass": percentile(app, 0.95) < TARGET_P95_MS,
            "client_p95_pass": percentile(client_ms, 0.95) < TARGET_P95_MS}


# --- a first visit's bytes ----------------------------------------------------------------------------------

CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def header_bytes(answer: httpx.Response) -> int:
    status = len(f"HTTP/1.1 {answer.status_code} {answer.reason_phrase}\r\n")
    return status + sum(len(key) + len(value) + 4 for key, value in answer.headers.raw) + 2


async def fetch(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    async with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as answer:
        wire = b"".join([chunk async for chunk in answer.aiter_raw()])
        encoding = answer.headers.get("content-encoding", "")
        body = gzip.decompress(wire) if encoding == "gzip" else wire
        return {"url": url, "status": answer.status_code, "encoding": encoding or "none", "wire": len(wire),
                "raw": len(body), "gzip_if_compressed": len(gzip.compress(body, 6)), "headers": header_bytes(answer),
                "type": answer.headers.get("content-type", ""), "body": body}


async def first_visit(config: LocalConfig, client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    """The page and what it makes a browser fetch, each once, as a browser with an empty cache does."""
    page_url = f"{config.web_url}{path}"
    document = await fetch(client, page_url)
    parser = Links()
    parser.feed(document["body"].decode())
    fetched = [dict(document, kind="html")]
    declared_elsewhere: list[str] = []
    for kind, href in parser.assets:
        item = await fetch(client, urljoin(page_url, href))
        fetched.append(dict(item, kind=kind))
        if kind != "css":
            continue
        for ref in dict.fromkeys(CSS_URL.findall(item["body"].decode(errors="replace"))):
            if ref.startswith("data:"):
                continue
            target = urljoin(item["url"], ref)
            if target.rsplit("/", 1)[-1] in USED_FONTS:
                fetched.append(dict(await fetch(client, target), kind="font"))
            else:
                declared_elsewhere.append(target.rsplit("/", 1)[-1])
    for item in fetched:
        item.pop("body")
        if item["status"] != 200:
            raise JourneyError(f"{item['url']} answered {item['status']}")
    wire = sum(item["wire"] for item in fetched)
    headers = sum(item["headers"] for item in fetched)
    return {"page": path, "resources": fetched, "body_bytes": wire, "header_bytes": headers,
            "kb": round(wire / 1000, 1), "kb_with_headers": round((wire + headers) / 1000, 1),
            "pass": (wire + headers) / 1000 < TARGET_FIRST_VISIT_KB, "not_fetched": sorted(set(declared_elsewhere))}


async def chromium_first_visits(config: LocalConfig, username: str) -> dict[str, Any] | None:
    """What Debian's chromium downloads from the app on a first visit (empty cache), signed out and after
    signing in, by the encoded (compressed) sizes it reports. None when there is no chromium here."""
    try:
        from playwright.async_api import async_playwright

        from tests.e2e.web.browser import CHROMIUM, CHROMIUM_ARGS
    except ImportError:
        return None
    if shutil.which(CHROMIUM) is None:
        return None
    results: dict[str, Any] = {}
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in ("signed out", "signed in"):
                context = await chromium.new_context()
                page = await context.new_page()
                finished: list[Any] = []
                page.on("requestfinished", lambda request, into=finished: into.append(request))
                if name == "signed out":
                    await page.goto(config.web_url + "/", wait_until="networkidle")
                else:
                    await page.goto(config.web_url + "/auth/login")
                    await page.fill("#username", username)
                    await page.fill("#password", DEMO_PASSWORD)
                    finished.clear()  # the IdP's page is the IdP's, not the app's
                    async with page.expect_navigation(wait_until="networkidle"):
                        await page.click("#kc-login")
                await page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
                await page.wait_for_load_state("networkidle")
                items = []
                for request in finished:
                    if not request.url.startswith(config.web_url) or urlsplit(request.url).path.startswith("/auth/"):
                        continue
                    sizes = await request.sizes()
                    items.append({"url": request.url, "body": sizes["responseBodySize"],
                                  "headers": sizes["responseHeadersSize"]})
                body, headers = sum(i["body"] for i in items), sum(i["headers"] for i in items)
                results[name] = {"resources": items, "body_bytes": body, "header_bytes": headers,
                                 "kb_with_headers": round((body + headers) / 1000, 1),
                                 "pass": (body + headers) / 1000 < TARGET_FIRST_VISIT_KB}
                await context.close()
        finally:
            await chromium.close()
    return results


# --- the run --------------------------------------------------------------------------------------------------

def short(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"^/assets/[0-9a-f]+/", "/assets/…/", path)


def verdict_line(visit: dict[str, Any]) -> str:
    bodies = visit["body_bytes"] / 1000
    return (f"{visit['body_bytes']:,} B bodies ({bodies:.1f} KB) + {visit['header_bytes']:,} B headers = "
            f"{visit['kb_with_headers']} KB on the wire -> {'PASS' if visit['pass'] else 'FAIL'} (target < "
            f"{TARGET_FIRST_VISIT_KB:.0f} KB, KB = 1,000 B, headers counted; bodies alone "
            f"{'PASS' if bodies < TARGET_FIRST_VISIT_KB else 'FAIL'})")


def print_first_visit(title: str, visit: dict[str, Any]) -> None:
    print(f"\n{title}: {visit['page']} (Accept-Encoding: gzip; bytes on the wire)")
    print(f"  {'resource':<62} {'type':<26} {'enc':<5} {'wire B':>9} {'raw B':>9} {'headers':>8}")
    for item in visit["resources"]:
        print(f"  {short(item['url']):<62} {item['type'].split(';')[0]:<26} {item['encoding']:<5} {item['wire']:>9,} "
              f"{item['raw']:>9,} {item['headers']:>8,}")
    print(f"  total {verdict_line(visit)}")


def report(results: list[dict[str, Any]], visits: list[tuple[str, dict[str, Any]]], browser_visits: dict | None,
           refused: dict[str, str], setting: dict[str, Any]) -> None:
    people = setting["people"]
    print(f"\nmesh-web under load: {people} people signed in through Keycloak's login form; per page "
          f"{setting['alone']} requests one at a time, then {setting['requests']} with {people} in flight "
          f"(each after a warm-up); times in ms")
    print(f"  the whole stack on this machine ({os.cpu_count()} CPUs), with the load driver and other work beside it: "
          f"load average {setting['load_before']} before the timing, {setting['load_after']} after")
    print("  server   = the app's Server-Timing 'app': the request through the app's routes to the rendered page "
          "(not gzip, the security\n             middleware or uvicorn; the client column has those)")
    print("  services = the sum of the profile/matching/scheduling/notify durations the app reports: the APIs' time "
          "for the same data,\n             timed at the app (so under load it includes waiting for the app's own "
          "busy event loop)")
    print("  app own  = server - services (its session store, templates, code); * = the page asks services "
          "concurrently, their durations\n             overlap and add up to more than the page: shown as 0 when so")
    print(f"\n  {'page':<38} {'alone p50/95':>12} | {'n':>3} {'req/s':>5} {'server':>12} {'services':>12} {'app own':>11} "
          f"{'client':>12} | {'p95 < 150 ms':>12}")
    print(f"  {'':<38} {'server':>12} | {'':>3} {'':>5} {'p50/p95':>12} {'p50/p95':>12} {'p50/p95':>11} "
          f"{'p50/p95':>12} | {'server client':>12}")

    def fmt(values: list[float]) -> str:
        return f"{values[0]:.0f}/{values[1]:.0f}"

    for r in results:
        bad = "" if r["ok"] == r["requests"] else f"  (statuses {r['statuses']})"
        own = fmt(r["own_ms"]) + ("*" if r["overlapped"] > 0.05 else " ")
        print(f"  {r['page']:<38} {fmt(r['alone']['app_ms']):>12} | {r['ok']:>3} {r['per_second']:>5.0f} "
              f"{fmt(r['app_ms']):>12} {fmt(r['services_ms']):>12} {own:>11} {fmt(r['client_ms']):>12} | "
              f"{'PASS' if r['server_p95_pass'] else 'FAIL':>6} {'PASS' if r['client_p95_pass'] else 'FAIL':>6}{bad}")
    print(f"\n  where the time went with {people} in flight (p50 ms of each service's calls in a request, as the app "
          "timed them; the app's session store):")
    for r in results:
        asked = ", ".join(f"{s} {r['service_p50_ms'][s]}" + ("" if r["services_asked"][s] == 1 else
                                                             f" (in {r['services_asked'][s]:.0%} of requests)")
                          for s in r["service_p50_ms"])
        print(f"    {r['page']:<38} {asked or 'no service'}; session store {r['session_store_ms'][0]}")
    if refused:
        print("\n  routes tried that did not answer 200 for the signed-in people (not timed):")
        for route, why in sorted(refused.items()):
            print(f"    {route:<38} {why}")
    print(f"\n  server p95 < {TARGET_P95_MS:.0f} ms with {people} in flight: "
          f"{sum(r['server_p95_pass'] for r in results)}/{len(results)} pages PASS; client p95 < {TARGET_P95_MS:.0f} ms: "
          f"{sum(r['client_p95_pass'] for r in results)}/{len(results)} PASS; one at a time, server p95 < "
          f"{TARGET_P95_MS:.0f} ms: {sum(r['alone']['server_p95_pass'] for r in results)}/{len(results)}")

    for title, visit in visits:
        print_first_visit(title, visit)
    html_item = visits[0][1]["resources"][0]
    if html_item["encoding"] == "gzip":
        print("\n  HTML: the app gzips its pages (its answer came with Content-Encoding: gzip)")
    else:
        print(f"\n  HTML: the app does NOT compress its pages: {html_item['raw']:,} B raw; gzip would make it "
              f"{html_item['gzip_if_compressed']:,} B")
    print(f"  fonts (above): counted {' and '.join(USED_FONTS)}, USWDS's body text and its bold; uswds.min.css declares "
          f"{len(visits[0][1]['not_fetched'])} other files (faces, weights, icons) a browser fetches only when the page "
          "uses them: not counted there")
    if browser_visits is None:
        print("  chromium cross-check: no chromium here")
    else:
        counted = {short(item["url"]).rsplit("/", 1)[-1] for _, visit in visits for item in visit["resources"]}
        print("  chromium cross-check (Debian's chromium, empty cache, what it really fetched from the app; encoded sizes):")
        for name, visit in browser_visits.items():
            print(f"    {name}: {verdict_line(visit)}")
            print("      " + ", ".join(f"{short(i['url']).rsplit('/', 1)[-1] or '/'} {i['body']:,}"
                                       + ("" if short(i["url"]).rsplit("/", 1)[-1] in counted else " (not counted above)")
                                       for i in visit["resources"]))
    print("\n  Figures are noisy: 2 cores run PostgreSQL, Kafka, Keycloak, the four services, the app and this load "
          "driver, beside other work on the machine.")


async def run(config: LocalConfig, requests: int, people: int, keep: bool) -> None:
    stack, reused = None, False
    try:
        started = time.monotonic()
        stack, reused = await asyncio.to_thread(start_stack, config)
        print(f"platform {'reused' if reused else 'started'} in {time.monotonic() - started:.0f} s: app {config.web_url}, "
              f"IdP {config.oidc_issuer}, services {config.service_url('profile')}..{config.http_port('notify')}", flush=True)
        marker = config.state_dir / "bench-web-data.json"
        data = Data.load(marker) if reused else None
        if data is None or len(data.people) < people:
            data = await load_data(config, people)
            data.save(marker)
        clients = [await sign_in(config, person.username) for person in data.people[:people]]
        print(f"  {len(clients)} people signed in through {config.oidc_issuer}'s login form", flush=True)
        anonymous = browser()
        try:
            pages, refused = await discover(config, data, clients, anonymous)
            print(f"  {len(pages)} pages answer 200; timing each", flush=True)
            load_before = [round(x, 2) for x in os.getloadavg()]
            results = []
            for page in pages:
                alone = await load(config, page, clients, anonymous, ALONE, 1)
                results.append(await load(config, page, clients, anonymous, requests, people) | {"alone": alone})
                print(json.dumps({"benchmark": "web", "figure": "page", **results[-1]}), flush=True)
            load_after = [round(x, 2) for x in os.getloadavg()]
            visits = [("first visit, signed out", await first_visit(config, browser(), "/")),
                      ("first visit, signed in (the home page, empty cache)", await first_visit(config, clients[0], "/"))]
            for title, visit in visits:
                print(json.dumps({"benchmark": "web", "figure": title, **visit}), flush=True)
            browser_visits = await chromium_first_visits(config, data.people[0].username)
            if browser_visits is not None:
                print(json.dumps({"benchmark": "web", "figure": "chromium first visits", **browser_visits}), flush=True)
        finally:
            await anonymous.aclose()
            for client in clients:
                await client.aclose()
        report(results, visits, browser_visits, refused,
               {"people": people, "requests": requests, "alone": ALONE, "load_before": load_before,
                "load_after": load_after})
    finally:
        if stack is not None and not keep:
            stopped = await asyncio.to_thread(stack.stop_all)
            print(f"\nstopped the bench stack ({', '.join(stopped)})")
        elif stack is not None:
            print(f"\nthe bench stack keeps running (--keep) at {config.web_url}; the next run reuses it; "
                  "stop it with: python -m benchmarks.web --stop")


if __name__ == "__main__":
    if "--stop" in sys.argv:
        print("stopped: " + (", ".join(LocalStack(bench_config()).stop_all()) or "nothing was running"))
        sys.exit(0)
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    numbers = [int(a) for a in arguments] + [300, 8][len(arguments):]
    asyncio.run(run(bench_config(), numbers[0], numbers[1], "--keep" in sys.argv))
