"""python -m benchmarks.web [requests a page] [people] [--keep|--stop]: see the package's docstring."""

import asyncio
import json
import os
import sys
import time

from benchmarks.web.browsing import browser, discover, sign_in
from benchmarks.web.console import console_figures
from benchmarks.web.measuring import chromium_first_visits, first_visit, load
from benchmarks.web.reporting import report
from benchmarks.web.stack import ALONE, Data, bench_config, load_data, start_stack
from mesh_local.config import LocalConfig
from mesh_local.stack import LocalStack


async def run(config: LocalConfig, requests: int, people: int, keep: bool) -> None:
    stack, reused = None, False
    try:
        started = time.monotonic()
        stack, reused = await asyncio.to_thread(start_stack, config)
        print(
            f"platform {'reused' if reused else 'started'} in {time.monotonic() - started:.0f} s: app {config.web_url}, "
            f"IdP {config.oidc_issuer}, services {config.service_url('profile')}..{config.http_port('notify')}",
            flush=True,
        )
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
            visits = [
                ("first visit, signed out", await first_visit(config, browser(), "/")),
                ("first visit, signed in (the home page, empty cache)", await first_visit(config, clients[0], "/")),
            ]
            for title, visit in visits:
                print(json.dumps({"benchmark": "web", "figure": title, **visit}), flush=True)
            browser_visits = await chromium_first_visits(config, data.people[0].username)
            if browser_visits is not None:
                print(json.dumps({"benchmark": "web", "figure": "chromium first visits", **browser_visits}), flush=True)
            console = await console_figures(config, requests, people, reused, data.program_id)
        finally:
            await anonymous.aclose()
            for client in clients:
                await client.aclose()
        report(
            results,
            visits,
            browser_visits,
            refused,
            {"people": people, "requests": requests, "alone": ALONE, "load_before": load_before, "load_after": load_after},
            console,
        )
    finally:
        if stack is not None and not keep:
            stopped = await asyncio.to_thread(stack.stop_all)
            print(f"\nstopped the bench stack ({', '.join(stopped)})")
        elif stack is not None:
            print(
                f"\nthe bench stack keeps running (--keep) at {config.web_url}; the next run reuses it; "
                "stop it with: python -m benchmarks.web --stop"
            )


if __name__ == "__main__":
    if "--stop" in sys.argv:
        print("stopped: " + (", ".join(LocalStack(bench_config()).stop_all()) or "nothing was running"))
        sys.exit(0)
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    numbers = [int(a) for a in arguments] + [300, 8][len(arguments) :]
    asyncio.run(run(bench_config(), numbers[0], numbers[1], "--keep" in sys.argv))
