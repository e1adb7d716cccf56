"""The printed table: per page, server/services/app/client p50 and p95 against the targets, and first visits."""

import os
import re
from typing import Any
from urllib.parse import urlsplit

from benchmarks.web.stack import TARGET_FIRST_VISIT_KB, TARGET_P95_MS, USED_FONTS


def short(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"^/assets/[0-9a-f]+/", "/assets/…/", path)


def verdict_line(visit: dict[str, Any]) -> str:
    bodies = visit["body_bytes"] / 1000
    return (
        f"{visit['body_bytes']:,} B bodies ({bodies:.1f} KB) + {visit['header_bytes']:,} B headers = "
        f"{visit['kb_with_headers']} KB on the wire -> {'PASS' if visit['pass'] else 'FAIL'} (target < "
        f"{TARGET_FIRST_VISIT_KB:.0f} KB, KB = 1,000 B, headers counted; bodies alone "
        f"{'PASS' if bodies < TARGET_FIRST_VISIT_KB else 'FAIL'})"
    )


def print_first_visit(title: str, visit: dict[str, Any]) -> None:
    print(f"\n{title}: {visit['page']} (Accept-Encoding: gzip; bytes on the wire)")
    print(f"  {'resource':<62} {'type':<26} {'enc':<5} {'wire B':>9} {'raw B':>9} {'headers':>8}")
    for item in visit["resources"]:
        print(
            f"  {short(item['url']):<62} {item['type'].split(';')[0]:<26} {item['encoding']:<5} {item['wire']:>9,} "
            f"{item['raw']:>9,} {item['headers']:>8,}"
        )
    print(f"  total {verdict_line(visit)}")


def fmt(values: list[float]) -> str:
    return f"{values[0]:.0f}/{values[1]:.0f}"


def rows(results: list[dict[str, Any]], people: int) -> None:
    """The table's rows, then where each page's time went."""
    for r in results:
        bad = "" if r["ok"] == r["requests"] else f"  (statuses {r['statuses']})"
        own = fmt(r["own_ms"]) + ("*" if r["overlapped"] > 0.05 else " ")
        print(
            f"  {r['page']:<38} {fmt(r['alone']['app_ms']):>12} | {r['ok']:>3} {r['per_second']:>5.0f} "
            f"{fmt(r['app_ms']):>12} {fmt(r['services_ms']):>12} {own:>11} {fmt(r['client_ms']):>12} | "
            f"{'PASS' if r['server_p95_pass'] else 'FAIL':>6} {'PASS' if r['client_p95_pass'] else 'FAIL':>6}{bad}"
        )
    print(
        f"\n  where the time went with {people} in flight (p50 ms of each service's calls in a request, as the app "
        "timed them; the app's session store):"
    )
    for r in results:
        asked = ", ".join(
            f"{s} {r['service_p50_ms'][s]}"
            + ("" if r["services_asked"][s] == 1 else f" (in {r['services_asked'][s]:.0%} of requests)")
            for s in r["service_p50_ms"]
        )
        print(f"    {r['page']:<38} {asked or 'no service'}; session store {r['session_store_ms'][0]}")
        if r.get("cpu_ms"):
            spent = {name: ms for name, ms in r["cpu_ms"].items() if name != "busy"}
            print(
                f"    {'':<38} CPU ms a request: "
                + ", ".join(f"{name} {ms}" for name, ms in spent.items())
                + f"; the machine {r['cpu_ms']['busy']:.0%} busy"
            )


def print_console(console: dict[str, Any]) -> None:
    """The console's pages over a program of 100,000 (a second table, the same columns), then the round preview."""
    data, results, preview, people = console["data"], console["pages"], console["preview"], console["people"]
    target = results[0]["target_ms"] if results else 0
    print(
        f"\nthe console at scale (issue 29, item 7): program {data.program_id} of 100,000 participants on campus north "
        f"(pairs in every state), as cole (coordinator of campus north) and nadia (admin: the institution row); per page "
        f"{results[0]['alone']['requests'] if results else 0} requests one at a time, then {console['requests']} "
        f"with {people} in flight; times in ms; load average {console['load_before']} before, "
        f"{console['load_after']} after"
    )
    print(
        "  its data: the programs created through profile's API, their 110,000 people written straight into "
        "matching's database\n  by set-based SQL in the shape matching's code writes them (through the roster API "
        "and Kafka it would take many minutes;\n  these pages read matching's tables only); loaded in "
        + ", ".join(f"{name.replace('_', ' ')} {seconds} s" for name, seconds in data.seconds.items())
    )
    print(
        f"\n  {'page':<38} {'alone p50/95':>12} | {'n':>3} {'req/s':>5} {'server':>12} {'services':>12} {'app own':>11} "
        f"{'client':>12} | {f'p95 < {target:.0f} ms':>12}"
    )
    print(
        f"  {'':<38} {'server':>12} | {'':>3} {'':>5} {'p50/p95':>12} {'p50/p95':>12} {'p50/p95':>11} "
        f"{'p50/p95':>12} | {'server client':>12}"
    )
    rows(results, people)
    judged = [r for r in results if not r.get("baseline")]
    print(
        f"\n  console pages at 100,000, server p95 < {target:.0f} ms with {people} in flight: "
        f"{sum(r['server_p95_pass'] for r in judged)}/{len(judged)} PASS; client p95: "
        f"{sum(r['client_p95_pass'] for r in judged)}/{len(judged)} PASS; one at a time, server p95: "
        f"{sum(r['alone']['server_p95_pass'] for r in judged)}/{len(judged)} PASS (the baseline row not counted)"
    )
    print(
        "  CPU ms a request: each part of the bench's stack (with its processes: PostgreSQL's backends), this load "
        "driver, and\n  other work: the rest of the machine's busy time over the same seconds, shared out per request"
    )
    done = preview["state"] == "ready"
    print(
        f"\n  round preview over {data.preview_program_id} (10,000 waiting), as cole through the app: the form posted, "
        f"its page polled each second ({preview['polls']} polls)"
    )
    print(
        f"    time to ready: {preview['seconds_to_ready']} s"
        if done
        else f"    NOT ready: it ended {preview['state'] or 'without a state'} after {preview['poll_log'][-1]['at']} s"
    )
    print(
        f"    phases shown: {', '.join(preview['phases']) or 'none'}; progress seen (value/max): "
        + ", ".join(f"{value:,}/{most:,}" for value, most in preview["progress_seen"])
    )
    print(
        f"    progress moved: {'PASS' if preview['progress_moved'] else 'FAIL'}; completes: {'PASS' if done else 'FAIL'}; "
        "the report: " + ", ".join(f"{term.lower()} {value}" for term, value in preview["figures"].items()) + " (not published)"
    )


def report(
    results: list[dict[str, Any]],
    visits: list[tuple[str, dict[str, Any]]],
    browser_visits: dict | None,
    refused: dict[str, str],
    setting: dict[str, Any],
    console: dict[str, Any] | None = None,
) -> None:
    people = setting["people"]
    print(
        f"\nmesh-web under load: {people} people signed in through Keycloak's login form; per page "
        f"{setting['alone']} requests one at a time, then {setting['requests']} with {people} in flight "
        f"(each after a warm-up); times in ms"
    )
    print(
        f"  the whole stack on this machine ({os.cpu_count()} CPUs), with the load driver and other work beside it: "
        f"load average {setting['load_before']} before the timing, {setting['load_after']} after"
    )
    print(
        "  server   = the app's Server-Timing 'app': the request through the app's routes to the rendered page "
        "(not gzip, the security\n             middleware or uvicorn; the client column has those)"
    )
    print(
        "  services = the sum of the profile/matching/scheduling/notify durations the app reports: the APIs' time "
        "for the same data,\n             timed at the app (so under load it includes waiting for the app's own "
        "busy event loop)"
    )
    print(
        "  app own  = server - services (its session store, templates, code); * = the page asks services "
        "concurrently, their durations\n             overlap and add up to more than the page: shown as 0 when so"
    )
    print(
        f"\n  {'page':<38} {'alone p50/95':>12} | {'n':>3} {'req/s':>5} {'server':>12} {'services':>12} {'app own':>11} "
        f"{'client':>12} | {'p95 < 150 ms':>12}"
    )
    print(
        f"  {'':<38} {'server':>12} | {'':>3} {'':>5} {'p50/p95':>12} {'p50/p95':>12} {'p50/p95':>11} "
        f"{'p50/p95':>12} | {'server client':>12}"
    )
    rows(results, people)
    if refused:
        print("\n  routes tried that did not answer 200 for the signed-in people (not timed):")
        for route, why in sorted(refused.items()):
            print(f"    {route:<38} {why}")
    print(
        f"\n  server p95 < {TARGET_P95_MS:.0f} ms with {people} in flight: "
        f"{sum(r['server_p95_pass'] for r in results)}/{len(results)} pages PASS; client p95 < {TARGET_P95_MS:.0f} ms: "
        f"{sum(r['client_p95_pass'] for r in results)}/{len(results)} PASS; one at a time, server p95 < "
        f"{TARGET_P95_MS:.0f} ms: {sum(r['alone']['server_p95_pass'] for r in results)}/{len(results)}"
    )
    if console is not None:
        print_console(console)

    for title, visit in visits:
        print_first_visit(title, visit)
    html_item = visits[0][1]["resources"][0]
    if html_item["encoding"] == "gzip":
        print("\n  HTML: the app gzips its pages (its answer came with Content-Encoding: gzip)")
    else:
        print(
            f"\n  HTML: the app does NOT compress its pages: {html_item['raw']:,} B raw; gzip would make it "
            f"{html_item['gzip_if_compressed']:,} B"
        )
    print(
        f"  fonts (above): counted {' and '.join(USED_FONTS)}, USWDS's body text and its bold; uswds.min.css declares "
        f"{len(visits[0][1]['not_fetched'])} other files (faces, weights, icons) a browser fetches only when the page "
        "uses them: not counted there"
    )
    if browser_visits is None:
        print("  chromium cross-check: no chromium here")
    else:
        counted = {short(item["url"]).rsplit("/", 1)[-1] for _, visit in visits for item in visit["resources"]}
        print("  chromium cross-check (Debian's chromium, empty cache, what it really fetched from the app; encoded sizes):")
        for name, visit in browser_visits.items():
            print(f"    {name}: {verdict_line(visit)}")
            print(
                "      "
                + ", ".join(
                    f"{short(i['url']).rsplit('/', 1)[-1] or '/'} {i['body']:,}"
                    + ("" if short(i["url"]).rsplit("/", 1)[-1] in counted else " (not counted above)")
                    for i in visit["resources"]
                )
            )
    print(
        "\n  Figures are noisy: 2 cores run PostgreSQL, Kafka, Keycloak, the four services, the app and this load "
        "driver, beside other work on the machine."
    )
