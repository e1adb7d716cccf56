"""The console at scale (issue 29, item 7): its pages over a program of 100,000 timed as the participant pages
are (``load``: alone, then N in flight), and a round preview over 10,000 people watched through the app."""

import asyncio
import json
import os
import re
import time
from html.parser import HTMLParser
from typing import Any

import httpx

from benchmarks.web import cpu
from benchmarks.web.browsing import Browser, Links, Page, sign_in
from benchmarks.web.console_data import ConsoleData, load_console_data
from benchmarks.web.measuring import load
from benchmarks.web.stack import ALONE
from mesh_local.config import LocalConfig
from mesh_local.realm import ADMIN
from mesh_local.steps import JourneyError

COORDINATOR = "cole"  # Northbridge's coordinator of campus north, where both programs run
TARGET_CONSOLE_P95_MS = 300.0
SEARCHED = "ana"  # starts the first name of one person in six ("Ana", "Ana María"): a common prefix
DEEP = 20  # pages in, by their Next links
PREVIEW_TIMEOUT = 600.0  # seconds


async def console_figures(config: LocalConfig, requests: int, people: int, reused: bool, baseline_program: str) -> dict[str, Any]:
    """The data (loaded once; a stack kept by --keep keeps it), each page timed, then the round preview.
    ``baseline_program``: the demo cohort's (36 people): its first page of participants is timed too, the
    same page without the scale."""
    marker = config.state_dir / "bench-web-console.json"
    data = ConsoleData.load(marker) if reused else None
    if data is None:
        data = await load_console_data(config)
        data.save(marker)
    else:
        print(
            f"  console data: reusing {data.program_id} and {data.preview_program_id} (written straight into "
            "matching's database by an earlier run)",
            flush=True,
        )
    coordinators = [await sign_in(config, COORDINATOR, "/console") for _ in range(people)]
    admins = [await sign_in(config, ADMIN, "/console") for _ in range(people)]
    print(f"  {people} sessions each of {COORDINATOR} (coordinator, campus north) and {ADMIN} (admin) signed in", flush=True)
    try:
        pages = await console_pages(config, data, coordinators[0])
        pages.append(
            (Page("participants, program of 36 (baseline)", [(0, f"/console/programs/{baseline_program}/participants")]), False)
        )
        load_before = [round(x, 2) for x in os.getloadavg()]
        results = []
        for page, admin in pages:
            clients = admins if admin else coordinators
            page.instances = [(who, page.instances[0][1]) for who in range(len(clients))]
            anonymous = clients[0]  # never asked: every instance names its session
            alone = await load(config, page, clients, anonymous, ALONE, 1, TARGET_CONSOLE_P95_MS)
            before = cpu.sample(config)
            timed = await load(config, page, clients, anonymous, requests, people, TARGET_CONSOLE_P95_MS)
            spent = cpu.per_request(before, cpu.sample(config), requests)
            results.append(
                timed
                | {
                    "alone": alone,
                    "as": ADMIN if admin else COORDINATOR,
                    "path": page.instances[0][1],
                    "cpu_ms": spent,
                    "baseline": "baseline" in page.route,
                }
            )
            print(json.dumps({"benchmark": "web", "figure": "console page", **results[-1]}), flush=True)
        load_after = [round(x, 2) for x in os.getloadavg()]
        preview = await round_preview(config, coordinators[0], data.preview_program_id)
        print(json.dumps({"benchmark": "web", "figure": "round preview", **preview}), flush=True)
    finally:
        for client in coordinators + admins:
            await client.aclose()
    return {
        "data": data,
        "pages": results,
        "preview": preview,
        "people": people,
        "requests": requests,
        "load_before": load_before,
        "load_after": load_after,
    }


async def console_pages(config: LocalConfig, data: ConsoleData, client: Browser) -> list[tuple[Page, bool]]:
    """(page, as the admin) for each page timed; the deep page found by following Next from the first."""
    base = f"/console/programs/{data.program_id}"
    listed = f"{base}/participants"
    path = listed
    for number in range(1, DEEP + 1):
        answer = await ok(client, config, path)
        parser = Links()
        parser.feed(answer.text)
        path = next((link for link in parser.links if link.startswith(f"{listed}?") and "after=" in link), "")
        if not path:
            raise JourneyError(f"no Next link on page {number} of {listed}")
    await ok(client, config, path)
    person = f"{listed}/{data.person_id}"
    await ok(client, config, person, "Pair formed")  # a person with matches: their history shows them
    chosen = [
        ("participants: first page", listed),
        (f"participants: ?q={SEARCHED}", f"{listed}?q={SEARCHED}"),
        ("participants: ?state=waiting", f"{listed}?state=waiting"),
        (f"participants: page {DEEP + 1} (Next links)", path),
        ("a participant (pairs, history)", person),
        ("health", f"{base}/health"),
        ("attention", f"{base}/attention"),
        ("matching", f"{base}/matching"),
        ("/console (programs)", "/console"),
    ]
    pages = [(Page(title, [(0, url)]), False) for title, url in chosen]
    await ok(client, config, f"{base}/health", "100,000")
    return pages + [(Page("/console/institution (admin)", [(0, "/console/institution")]), True)]


async def ok(client: httpx.AsyncClient, config: LocalConfig, path: str, shows: str | None = None) -> httpx.Response:
    answer = await client.get(f"{config.web_url}{path}")
    if answer.status_code != 200 or (shows is not None and shows not in answer.text):
        raise JourneyError(f"{path} answered {answer.status_code}{'' if shows is None else f' without {shows!r}'}")
    return answer


class PreviewPage(HTMLParser):
    """What a round preview's page shows: its state, the progress bar and its words, the report's figures."""

    def __init__(self) -> None:
        super().__init__()
        self.state = ""
        self.progress: tuple[int, int] | None = None
        self.phase = ""
        self.figures: dict[str, str] = {}
        self._in: str | None = None
        self._term = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "span" and "mesh-state" in a.get("class", "") and not self.state:
            self.state = a["class"].split("mesh-state--")[-1].split()[0]
        elif tag == "progress":
            self.progress = (int(a.get("value") or 0), int(a.get("max") or 0))
        elif tag == "div" and a.get("role") == "status":
            self._in = "status"
        elif tag == "p" and self._in == "status" and not self.phase:
            self._in = "phase"
        elif tag in ("dt", "dd"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "dt", "dd") and self._in in ("phase", "dt", "dd"):
            self._in = None

    def handle_data(self, text: str) -> None:
        if self._in == "phase":
            self.phase += text.strip()
        elif self._in == "dt":
            self._term = text.strip()
        elif self._in == "dd" and self._term:
            self.figures[self._term] = text.strip()


async def round_preview(config: LocalConfig, client: Browser, program_id: str) -> dict[str, Any]:
    """The form posted as a browser posts it (same origin), the 303 followed, the page polled each second
    until the preview is no longer running: each poll's progress and phase, the time to ready, the report."""
    matching = f"{config.web_url}/console/programs/{program_id}/matching"
    await ok(client, config, f"/console/programs/{program_id}/matching")
    started = time.monotonic()
    posted = await client.post(f"{matching}/previews", headers={"sec-fetch-site": "same-origin", "origin": config.web_url})
    where = posted.headers.get("location", "")
    if posted.status_code != 303 or "/matching/previews/" not in where:
        raise JourneyError(f"starting a preview answered {posted.status_code} -> {where or posted.text[:300]}")
    polls: list[dict[str, Any]] = []
    page = PreviewPage()
    while time.monotonic() - started < PREVIEW_TIMEOUT:
        answer = await client.get(httpx.URL(config.web_url).join(where))
        page = PreviewPage()
        page.feed(answer.text)
        polls.append(
            {
                "at": round(time.monotonic() - started, 1),
                "status": answer.status_code,
                "state": page.state,
                "phase": page.phase,
                "progress": list(page.progress) if page.progress else None,
            }
        )
        if answer.status_code != 200 or page.state != "running":
            break
        await asyncio.sleep(1.0)
    seen = [tuple(poll["progress"]) for poll in polls if poll["progress"]]
    phases = list(dict.fromkeys(re.sub(r":.*", "", poll["phase"]) for poll in polls if poll["phase"]))
    return {
        "program_id": program_id,
        "preview": where.rsplit("/", 1)[-1],
        "state": page.state,
        "seconds_to_ready": polls[-1]["at"] if page.state == "ready" else None,
        "polls": len(polls),
        "phases": phases,
        "progress_seen": [list(p) for p in dict.fromkeys(seen)],
        "progress_moved": len(set(seen)) > 1,
        "figures": page.figures,
        "poll_log": polls,
    }
