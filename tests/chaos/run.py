"""A chaos run: the same load twice on the running platform, once as it is and once while its
services are SIGKILLed and SIGTERMed and the broker and database server restart under it; then,
each time, everything counted once the platform has settled. Prints one JSON line.

Usage: python -m tests.chaos.run [pairs] [erasures] [kills per service] [seconds]
(``make chaos``: 1000 pairs, 100 erasures, 3 kills each, over 400 s, PostgreSQL down a minute;
``make test`` runs a short one). Exits 1, saying why, on anything ``shortfalls`` finds.
"""

import asyncio
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.platform import Platform, platform
from mesh_local.config import SERVICES
from mesh_local.stack import LocalStack
from mesh_notify.settings import NotifySettings
from tests.chaos.faults import Fault, FaultRecord, Injector, schedule
from tests.chaos.ledger import Ledger, compare, converge, count, expected_by_plan, topic_positions
from tests.chaos.load import Load, LoadPlan
from tests.support import infrastructure
from tests.support.infrastructure import Endpoints, local_test_config

LONG_RUN_DATABASE_DOWN_SECONDS = 60.0  # make chaos: PostgreSQL away a whole minute under load
HTTP_PORT_BASE = 29200  # its own ports and state (.mesh/chaos): a benchmark or the e2e platform may be about


@dataclass
class RunResult:
    ledger: Ledger
    load_seconds: float
    converged_seconds: float
    faults: list[FaultRecord] = field(default_factory=list)
    client: Counter[str] = field(default_factory=Counter)
    unhandled: dict[str, list[str]] = field(default_factory=dict)


async def run_once(
    endpoints: Endpoints, plan: LoadPlan, faults: list[Fault], stack: LocalStack | None, database_down_seconds: float = 0.0
) -> RunResult:
    """The plan's load on a platform started from empty databases, with these faults injected."""
    async with (
        platform(endpoints, name="chaos", http_port_base=HTTP_PORT_BASE) as running,
        httpx.AsyncClient(timeout=httpx.Timeout(30, connect=5)) as http,
    ):
        since = await topic_positions(endpoints.kafka_bootstrap)
        logged = {service: running.services.log_file(service).stat().st_size for service in SERVICES}
        load, injector = Load(running, http, plan), Injector(running, stack, database_down_seconds)
        started = time.monotonic()
        load_task = asyncio.create_task(load.run())
        records = await injector.run(faults, started)
        await load_task
        load_seconds = time.monotonic() - started
        converged = await converge(running)
        return RunResult(
            await count(running, since), load_seconds, converged, records, load.client.seen, unhandled_errors(running, logged)
        )


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


async def chaos(
    endpoints: Endpoints, plan: LoadPlan, kills_per_service: int, seed: int = 16, database_down_seconds: float = 0.0
) -> dict[str, Any]:
    """Both runs, and the figures: lost and doubled against the run without faults (and against
    what the plan alone demands), dead letters, republished records, mails, each fault's recovery.
    The database server stays down ``database_down_seconds`` before it is started again."""
    stack = LocalStack(local_test_config()) if endpoints.provider == "launcher" else None
    calm = await run_once(endpoints, plan, [], stack)
    faults = schedule(plan.seconds, kills_per_service, seed)
    broken = await run_once(
        endpoints,
        LoadPlan(plan.pairs, plan.erasures, in_flight=plan.in_flight, seconds=plan.seconds),
        faults,
        stack,
        database_down_seconds,
    )
    lost, doubled = compare(calm.ledger.outcome(), broken.ledger.outcome())
    short, beyond = compare(expected_by_plan(plan), _planned(broken.ledger.outcome(), plan))
    if broken.ledger.sent_without_mail:
        lost["mails marked sent, never received"] = broken.ledger.sent_without_mail
    return {
        "chaos": {
            "pairs": plan.pairs,
            "erasures": plan.erasures,
            "people": plan.people,
            "faults_injected": sum(r.recovered_seconds is not None for r in broken.faults),
            "load_seconds": round(broken.load_seconds, 1),
            "load_seconds_without_faults": round(calm.load_seconds, 1),
            "settled_after_load_seconds": round(broken.converged_seconds, 1),
        },
        "lost": lost,
        "doubled": doubled,
        "dead_lettered": dict(broken.ledger.dead_letters) | {"without_faults": sum(calm.ledger.dead_letters.values())},
        "against_the_plan": {"short": short, "beyond": beyond},
        "republished_records": broken.ledger.republished,
        # SMTP has no exactly-once: a mail the server accepted just before notify died is sent again,
        # with the same Message-ID (receivers fold it). Notify has at most its senders' mails in
        # flight, so at most that many per kill.
        "mails": {
            "received": broken.ledger.mails,
            "distinct": broken.ledger.mails - broken.ledger.mails_repeated,
            "received_without_faults": calm.ledger.mails,
            "repeated_with_same_message_id": broken.ledger.mails_repeated,
            "repeats_bound": concurrent_sends()
            * sum(f.fault.kind == "sigkill" and f.fault.target == "notify" for f in broken.faults),
        },
        "outcome": {
            "proposals": broken.ledger.events["MatchProposed"],
            "matches": broken.ledger.stores["matching.matches:accepted"],
            "sessions_completed": broken.ledger.stores["scheduling.sessions:completed"],
            "notifications": sum(v for k, v in broken.ledger.stores.items() if k.startswith("notify.")),
        },
        "client": dict(broken.client),
        "unhandled_errors_logged": broken.unhandled | ({"without_faults": calm.unhandled} if calm.unhandled else {}),
        "faults": [record.summary() for record in broken.faults],
    }


def concurrent_sends() -> int:
    """How many mails notify has in flight at most, as the launcher runs it (its settings' default
    unless the environment it passes on sets one)."""
    default = NotifySettings.model_fields["delivery_concurrency"].default
    return int(os.environ.get("MESH_DELIVERY_CONCURRENCY", default))


def shortfalls(figures: dict[str, Any], *, restarts_expected: bool) -> list[str]:
    """Everything the figures show that should not be, in words; empty when the run is a pass.

    ``restarts_expected``: the broker and database server were this launcher's to restart."""
    found = [f"lost: {figures['lost']}"] if figures["lost"] else []
    found += [f"doubled: {figures['doubled']}"] if figures["doubled"] else []
    plan = figures["against_the_plan"]
    found += [f"against the plan: {plan}"] if plan["short"] or plan["beyond"] else []
    letters = {reason: n for reason, n in figures["dead_lettered"].items() if reason != "without_faults" and n}
    found += [f"dead-lettered: {figures['dead_lettered']}"] if letters or figures["dead_lettered"]["without_faults"] else []
    mails = figures["mails"]
    if mails["distinct"] != mails["received_without_faults"]:
        found.append(f"distinct mails {mails['distinct']} against {mails['received_without_faults']} without faults")
    if mails["repeated_with_same_message_id"] > mails["repeats_bound"]:
        found.append(
            f"mails repeated {mails['repeated_with_same_message_id']} times, over the "
            f"{mails['repeats_bound']} notify's kills can cause (its senders per kill)"
        )
    errors = {
        k: n
        for k, n in figures["client"].items()
        if k == "503_without_retry_after"  # 503s are expected, with it
        or (k.startswith("status_5") and k != "status_503")
        or (k[:1] == "5" and not k.startswith("503"))
    }
    found += [f"clients met: {errors}"] if errors else []
    found += [f"unhandled errors logged: {figures['unhandled_errors_logged']}"] if figures["unhandled_errors_logged"] else []
    missed = [
        f"{f['fault']} {f['target']}"
        for f in figures["faults"]
        if f["recovered_seconds"] is None and (restarts_expected or f["fault"] in ("sigkill", "sigterm"))
    ]
    found += [f"faults not injected: {missed}"] if missed else []
    late = [
        f"{f['fault']} {f['target']} at {f['at_seconds']} s"
        for f in figures["faults"]
        if f["at_seconds"] > figures["chaos"]["load_seconds"]
    ]
    found += [f"faults after the load had ended: {late}"] if late else []
    return found


def _planned(outcome: Counter[str], plan: LoadPlan) -> Counter[str]:
    return Counter({name: outcome[name] for name in expected_by_plan(plan)})


def main(argv: list[str]) -> int:
    pairs, erasures, kills, seconds = (
        int(argv[0]) if argv else 1000,
        int(argv[1]) if len(argv) > 1 else 100,
        int(argv[2]) if len(argv) > 2 else 3,
        float(argv[3]) if len(argv) > 3 else 240.0,
    )
    with infrastructure.provide() as provided:
        figures = asyncio.run(
            chaos(
                provided,
                LoadPlan(pairs, erasures, in_flight=48, seconds=seconds),
                kills,
                database_down_seconds=LONG_RUN_DATABASE_DOWN_SECONDS,
            )
        )
    print(json.dumps(figures, sort_keys=True), flush=True)
    failed = shortfalls(figures, restarts_expected=True)  # make chaos runs the launcher's broker and database
    for shortfall in failed:
        print(f"chaos: {shortfall}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
