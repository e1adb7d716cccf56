"""Timing pages under load (Server-Timing) and weighing a first visit, by httpx and in Debian's chromium."""

import asyncio
import gzip
import re
import shutil
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from benchmarks.web.browsing import Links, Page
from benchmarks.web.stack import TARGET_FIRST_VISIT_KB, TARGET_P95_MS, USED_FONTS, WARM_UP
from mesh_local.config import SERVICES, LocalConfig
from mesh_local.realm import DEMO_PASSWORD
from mesh_local.steps import JourneyError


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


async def load(
    config: LocalConfig,
    page: Page,
    clients: list[httpx.AsyncClient],
    anonymous: httpx.AsyncClient,
    requests: int,
    concurrency: int,
    target_ms: float = TARGET_P95_MS,
) -> dict[str, Any]:
    client_ms: list[float] = []
    timings: list[dict[str, float]] = []
    statuses: dict[int, int] = defaultdict(int)
    plan = [page.instances[index % len(page.instances)] for index in range(requests)]
    warm = [page.instances[index % len(page.instances)] for index in range(max(WARM_UP * concurrency, len(page.instances)))]

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
    per_service = {
        service: round(percentile([t[service] for t in timings if service in t], 0.5), 1)
        for service in SERVICES
        if any(service in t for t in timings)
    }
    calls = {service: round(sum(service in t for t in timings) / max(1, len(timings)), 2) for service in per_service}

    def pair(values: list[float]) -> list[float]:
        return [round(percentile(values, 0.5), 1), round(percentile(values, 0.95), 1)]

    return {
        "page": page.route,
        "instances": len(page.instances),
        "requests": requests,
        "ok": len(timings),
        "statuses": dict(statuses),
        "per_second": round(requests / wall, 1),
        "app_ms": pair(app),
        "services_ms": pair(services),
        "own_ms": pair(own),
        "session_store_ms": pair(store),
        "overlapped": round(sum(s > a for a, s in zip(app, services, strict=True)) / max(1, len(app)), 2),
        "client_ms": pair(client_ms),
        "service_p50_ms": per_service,
        "services_asked": calls,
        "target_ms": target_ms,
        "server_p95_pass": percentile(app, 0.95) < target_ms,
        "client_p95_pass": percentile(client_ms, 0.95) < target_ms,
    }


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
        return {
            "url": url,
            "status": answer.status_code,
            "encoding": encoding or "none",
            "wire": len(wire),
            "raw": len(body),
            "gzip_if_compressed": len(gzip.compress(body, 6)),
            "headers": header_bytes(answer),
            "type": answer.headers.get("content-type", ""),
            "body": body,
        }


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
    return {
        "page": path,
        "resources": fetched,
        "body_bytes": wire,
        "header_bytes": headers,
        "kb": round(wire / 1000, 1),
        "kb_with_headers": round((wire + headers) / 1000, 1),
        "pass": (wire + headers) / 1000 < TARGET_FIRST_VISIT_KB,
        "not_fetched": sorted(set(declared_elsewhere)),
    }


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
                    items.append({"url": request.url, "body": sizes["responseBodySize"], "headers": sizes["responseHeadersSize"]})
                body, headers = sum(i["body"] for i in items), sum(i["headers"] for i in items)
                results[name] = {
                    "resources": items,
                    "body_bytes": body,
                    "header_bytes": headers,
                    "kb_with_headers": round((body + headers) / 1000, 1),
                    "pass": (body + headers) / 1000 < TARGET_FIRST_VISIT_KB,
                }
                await context.close()
        finally:
            await chromium.close()
    return results


# --- the run --------------------------------------------------------------------------------------------------
