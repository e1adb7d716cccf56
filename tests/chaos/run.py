"""A chaos run: the same load twice on the running platform, once as it is and once while its
services are SIGKILLed and SIGTERMed and the broker and database server restart under it; then,
each time, everything counted once the platform has settled. Prints one JSON line.

Usage: python -m tests.chaos.run [pairs] [erasures] [kills per service] [seconds]
(``make chaos``: 1000 pairs, 100 erasures, 3 kills each, over 400 s; ``make test`` runs a short one.)
"""

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.platform import Platform, platform
from mesh_local.config import SERVICES
from mesh_local.stack import LocalStack
from tests.chaos.faults import Fault, FaultRecord, Injector, schedule
from tests.chaos.ledger import Ledger, compare, converge, count, expected_by_plan, topic_positions
from tests.chaos.load import Load, LoadPlan
from tests.support import infrastructure
from tests.support.infrastructure import Endpoints, local_test_config

HTTP_PORT_BASE = 29200  # its own ports and state (.mesh/chaos): a benchmark or the e2e platform may be about


@dataclass
class RunResult:
    ledger: Ledger
    load_seconds: float
    converged_seconds: float
    faults: list[FaultRecord] = field(default_factory=list)
    client: Counter[str] = field(default_factory=Counter)
    unhandled: dict[str, list[str]] = field(default_factory=dict)


async def run_once(endpoints: Endpoints, plan: LoadPlan, faults: list[Fault], stack: LocalStack | None) -> RunResult:
    """The plan's load on a platform started from empty databases, with these faults injected."""
    async with platform(endpoints, name="chaos", http_port_base=HTTP_PORT_BASE) as running, \
            httpx.AsyncClient(timeout=httpx.Timeout(30, connect=5)) as http:
        since = await topic_positions(endpoints.kafka_bootstrap)
        logged = {service: running.services.log_file(service).stat().st_size for service in SERVICES}
        load, injector = Load(running, http, plan), Injector(running, stack)
        started = time.monotonic()
        load_task = asyncio.create_task(load.run())
        records = await injector.run(faults, started)
        await load_task
        load_seconds = time.monotonic() - started
        converged = await converge(running)
        return RunResult(await count(running, since), load_seconds, converged, records, load.client.seen,
                         unhandled_errors(running, logged))


def unhandled_errors(running: Platform, since: dict[str, int]) -> dict[str, list[str]]:
    """Each request a service failed with an error nothing handled (uvicorn's "Exception in ASGI
    application", which a client meets as a 500), as the exception's last line, from what each log
    gained after ``since`` (its size in bytes then)."""
    found: dict[str, list[str]] = {}
    for service, offset in since.items():
        with running.services.log_file(service).open("rb") as log:
            log.seek(offset)
            for line in log:
                entry = _json_or_none(line)
                if entry and entry.get("logger") == "uvicorn.error" and entry.get("level") == "error":
                    last = (entry.get("exception") or entry.get("event", "")).strip().splitlines()
                    found.setdefault(service, []).append(last[-1] if last else "")
    return found


def _json_or_none(line: bytes) -> dict[str, Any] | None:
    try:
        entry = json.loads(line)
    except ValueError:  # a process's own output (e.g. a crash before logging was configured)
        return None
    return entry if isinstance(entry, dict) else None


async def chaos(endpoints: Endpoints, plan: LoadPlan, kills_per_service: int, seed: int = 16) -> dict[str, Any]:
    """Both runs, and the figures: lost and doubled against the run without faults (and against
    what the plan alone demands), dead letters, republished records, mails, each fault's recovery."""
    stack = LocalStack(local_test_config()) if endpoints.provider == "launcher" else None
    calm = await run_once(endpoints, plan, [], stack)
    faults = schedule(plan.seconds, kills_per_service, seed)
    broken = await run_once(endpoints, LoadPlan(plan.pairs, plan.erasures, in_flight=plan.in_flight, seconds=plan.seconds),
                            faults, stack)
    lost, doubled = compare(calm.ledger.outcome(), broken.ledger.outcome())
    short, beyond = compare(expected_by_plan(plan), _planned(broken.ledger.outcome(), plan))
    if broken.ledger.sent_without_mail:
        lost["mails marked sent, never received"] = broken.ledger.sent_without_mail
    return {
        "chaos": {"pairs": plan.pairs, "erasures": plan.erasures, "people": plan.people,
                  "faults_injected": sum(r.recovered_seconds is not None for r in broken.faults),
                  "load_seconds": round(broken.load_seconds, 1), "load_seconds_without_faults": round(calm.load_seconds, 1),
                  "settled_after_load_seconds": round(broken.converged_seconds, 1)},
        "lost": lost, "doubled": doubled,
        "dead_lettered": dict(broken.ledger.dead_letters) | {"without_faults": sum(calm.ledger.dead_letters.values())},
        "against_the_plan": {"short": short, "beyond": beyond},
        "republished_records": broken.ledger.republished,
        # SMTP has no exactly-once: a mail the server accepted just before notify died is sent again,
        # with the same Message-ID (receivers fold it). Notify sends one at a time, so at most one per kill.
        "mails": {"received": broken.ledger.mails, "distinct": broken.ledger.mails - broken.ledger.mails_repeated,
                  "received_without_faults": calm.ledger.mails,
                  "repeated_with_same_message_id": broken.ledger.mails_repeated,
                  "repeats_bound": sum(f.fault.kind == "sigkill" and f.fault.target == "notify" for f in broken.faults)},
        "outcome": {"proposals": broken.ledger.events["MatchProposed"], "matches": broken.ledger.stores["matching.matches:accepted"],
                    "sessions_completed": broken.ledger.stores["scheduling.sessions:completed"],
                    "notifications": sum(v for k, v in broken.ledger.stores.items() if k.startswith("notify."))},
        "client": dict(broken.client),
        "unhandled_errors_logged": broken.unhandled | ({"without_faults": calm.unhandled} if calm.unhandled else {}),
        "faults": [record.summary() for record in broken.faults],
    }


def _planned(outcome: Counter[str], plan: LoadPlan) -> Counter[str]:
    return Counter({name: outcome[name] for name in expected_by_plan(plan)})


def main(argv: list[str]) -> int:
    pairs, erasures, kills, seconds = (int(argv[0]) if argv else 1000, int(argv[1]) if len(argv) > 1 else 100,
                                       int(argv[2]) if len(argv) > 2 else 3, float(argv[3]) if len(argv) > 3 else 240.0)
    with infrastructure.provide() as provided:
        figures = asyncio.run(chaos(provided, LoadPlan(pairs, erasures, in_flight=48, seconds=seconds), kills))
    print(json.dumps(figures, sort_keys=True), flush=True)
    mails = figures["mails"]
    failed = figures["lost"] or figures["doubled"] or figures["against_the_plan"]["short"] or \
        mails["repeated_with_same_message_id"] > mails["repeats_bound"] or figures["unhandled_errors_logged"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
