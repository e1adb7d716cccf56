"""Every service's OpenAPI document fuzzed with schemathesis against the running platform, as each kind
of caller (an admin, a coordinator of both campuses, a participant, a platform service), with several
seeds, over resources that exist: before each run the platform is given a world of its own through its
APIs (a program, people who joined, an accepted match with its sessions and an agreement, a proposal,
notifications, a calendar feed), and schemathesis sends their ids most of the time in place of the
random ones it generates (tests/fuzz/checks.py, ``map_case``), so routes behind ids are reached.
The participant is one of that world's people (their own account), so their routes pass authorization.

Checks: no server error, every status, content type, header and body as documented, invalid input
refused, and problem details (the platform's own: every 4xx is a problem that says what was wrong).
Prints one JSON line per seed, service and role, a summary line per seed and one for the whole run.

Usage: python -m tests.fuzz.run [examples per operation] [--seeds N | --seed S ...] [--phases a,b]
(``make fuzz``: 50 examples, 3 seeds, with the stateful phase, about 12 minutes a seed on two cores; ``make test``: one seed, a few examples)
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from benchmarks.platform import Platform, ensure_program, join, platform
from mesh_local.config import SERVICES
from tests.support import infrastructure
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, bearer, local_issuer
from tests.support.infrastructure import Endpoints

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "problem_details",
)
HTTP_PORT_BASE = 29400
ROLES = ("admin", "coordinator", "participant", "service")
SERVICE_CLIENT = "mesh-matching"  # the platform service whose client-credentials token the service role carries
SEEDS = (16, 17, 18, 19, 20, 21, 22, 23)  # --seeds N takes the first N
PHASES = "examples,coverage,fuzzing,stateful"
# The fuzzer is one client sending thousands of requests a minute: no rate limit of the platform's own
# (mesh_runtime.rate_limit; 0 turns a budget off) may stand between it and the behaviour it probes.
ENVIRONMENT = {
    "MESH_RATE_LIMIT_PER_SUBJECT_PER_MINUTE": "0",
    "MESH_RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0",
    "MESH_RATE_LIMIT_PER_SERVICE_PER_MINUTE": "0",
    "MESH_RATE_LIMIT_PROFILE_CHANGES_PER_HOUR": "0",
}
# Operations that end what they reach: they are given the world's expendable resources (a person who
# only joined, their proposal, a second program), so the rest of the run keeps the pair and its sessions.
DESTRUCTIVE = (
    "DELETE /participants/{participant_id}",
    "POST /participants/{participant_id}/leave",
    "POST /programs/{program_id}/close",
    "POST /matches/{match_id}/decline",
    "POST /matches/{match_id}/end",
)
POLL_SECONDS = 60


@dataclass
class World:
    """What one run is given to reach: ids by parameter name, and the seeded participant's account."""

    subject: str
    email: str
    ids: dict[str, list[Any]] = field(default_factory=dict)
    expendable: dict[str, list[Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # what did not come about within POLL_SECONDS

    def for_role(self, role: str) -> dict[str, Any]:
        """The hook's file: the participant's own id weighted (thrice theirs, once their mentor's)."""
        ids = dict(self.ids)
        if role == "participant":
            own, *others = ids["participant_id"]
            ids["participant_id"] = ids["recipient_id"] = [own, own, own, *others]
        return {"ids": ids, "expendable": self.expendable, "destructive": list(DESTRUCTIVE), "share": 0.8}


def role_token(role: str, service: str, world: World) -> str:
    issuer = local_issuer()
    if role == "service":  # as LocalIssuer.client_credentials mints it, for longer than its 600 s
        return issuer.token(
            audience=[f"mesh-{s}" for s in SERVICES],
            subject=f"service-account-{SERVICE_CLIENT}",
            institution=None,
            campuses=(),
            roles=("service",),
            azp=SERVICE_CLIENT,
            lifetime=7200,
        )
    if role == "participant":
        return issuer.token(
            audience=f"mesh-{service}",
            roles=("participant",),
            subject=world.subject,
            campuses=("north",),
            email=world.email,
            lifetime=7200,
        )
    return issuer.token(audience=f"mesh-{service}", roles=(role,), campuses=("north", "south"), lifetime=7200)


async def seed_world(http: httpx.AsyncClient, running: Platform) -> World:
    """Through the APIs, as the people themselves: a program, a mentor and two mentees who join (the
    first is the participant role's account), the first pair accepted (so scheduling has sessions and an
    agreement, notify notifications), the second only proposed; a program to close; a calendar feed."""
    tag = uuid.uuid4().hex[:8]
    program, closable = f"fuzz-{tag}", f"fuzz-{tag}-closable"
    for program_id in (program, closable):
        await ensure_program(http, running, program_id)
    mentee, mentor, leaver = (
        profile(program_id=program, campus="north"),
        mentor_profile(program_id=program, campus="north", mentor_capacity=2),
        profile(program_id=program, campus="north", display_name="Lee L."),
    )
    (me, subject), (partner, partner_subject) = [await join(http, running, given) for given in (mentee, mentor)]
    leaving, leaving_subject = await join(http, running, leaver)
    world = World(subject=subject, email=str(mentee.email))
    world.ids = {
        "participant_id": [me, partner],
        "recipient_id": [me, partner],
        "program_id": [program],
        "institution": [INSTITUTION],
    }
    world.expendable = {"participant_id": [leaving], "program_id": [closable]}
    accounts = {me: subject, partner: partner_subject, leaving: leaving_subject}

    def as_(service: str, participant: str) -> dict[str, str]:
        return bearer(
            local_issuer().token(
                audience=f"mesh-{service}", roles=("participant",), subject=accounts[participant], campuses=("north",)
            )
        )

    async def call(method: str, service: str, path: str, who: str | None, **kwargs: Any) -> httpx.Response:
        headers = as_(service, who) if who else bearer(local_issuer().token(audience=f"mesh-{service}", roles=("admin",)))
        return await http.request(method, running.url(service) + path, headers=headers, **kwargs)

    async def listed(what: str, probe: Callable[[], Awaitable[httpx.Response]]) -> list[dict[str, Any]]:
        deadline = time.monotonic() + POLL_SECONDS
        while time.monotonic() < deadline:
            answer = await probe()
            if answer.status_code == 200 and answer.json():
                return answer.json()
            await asyncio.sleep(0.2)
        world.missing.append(what)
        return []

    pair = await listed("the pair's proposal", lambda: call("GET", "matching", f"/participants/{me}/matches", me))
    proposal = await listed("the second proposal", lambda: call("GET", "matching", f"/participants/{leaving}/matches", leaving))
    world.expendable["match_id"] = [m["match_id"] for m in proposal][:1]
    world.ids["match_id"] = [m["match_id"] for m in pair][:1]
    if pair:
        match_id = pair[0]["match_id"]
        for member in (me, partner):
            await call("POST", "matching", f"/matches/{match_id}/accept", member, json={"participant_id": member})
        sessions = await listed("sessions", lambda: call("GET", "scheduling", f"/matches/{match_id}/sessions", me))
        world.ids["session_id"] = [s["session_id"] for s in sessions][:3]
        agreed = await call(
            "POST",
            "scheduling",
            f"/matches/{match_id}/agreements",
            me,
            json={
                "participant_id": me,
                "goals": [{"description": "pass the final"}],
                "expectations": ["come prepared"],
                "cadence": "weekly",
                "meeting_mode": "online",
                "session_minutes": 45,
            },
        )
        world.ids["version"] = [agreed.json()["version"]] if agreed.status_code == 201 else [1]
    feed = await call("POST", "scheduling", f"/participants/{me}/calendar-feed", me)
    if feed.status_code == 200:
        world.ids["token"] = [urlsplit(feed.json()["url"]).path.rsplit("/", 1)[-1].removesuffix(".ics")]
    notifications = await listed(
        "notifications", lambda: call("GET", "notify", "/notifications", None, params={"recipient_id": me})
    )
    world.ids["notification_id"] = [n["notification_id"] for n in notifications][:3]
    return world


async def fuzz_service(
    running: Platform, service: str, role: str, examples: int, seed: int, world: World, phases: str = PHASES
) -> dict[str, Any]:
    """One schemathesis run over one service's operations; its figures from the run's JSON report."""
    token = role_token(role, service, world)
    with tempfile.TemporaryDirectory(prefix="mesh-fuzz-") as folder:
        ids = Path(folder) / "ids.json"
        report = running.config.state_dir / f"fuzz-{seed}-{service}-{role}.ndjson"  # every request and answer
        ids.write_text(json.dumps(world.for_role(role)))
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{running.url(service)}/openapi.json",
            "--checks",
            ",".join(CHECKS),
            "--max-examples",
            str(examples),
            "--seed",
            str(seed),
            "--header",
            f"Authorization: {bearer(token)['Authorization']}",
            "--workers",
            "1",  # hypothesis reads lambda sources; threads race there
            "--phases",
            phases,
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            "--request-timeout",
            "30",
        ]
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=os.environ
            | {"SCHEMATHESIS_HOOKS": "tests.fuzz.checks", "MESH_FUZZ_IDS": str(ids), "PYTHONPATH": str(infrastructure.REPO_ROOT)},
        )
        output, _ = await process.communicate()
        figures = _figures(report.read_text() if report.exists() else "")
    written = running.config.state_dir / f"fuzz-{seed}-{service}-{role}.txt"  # what schemathesis said, failures reproducible
    written.write_bytes(output)
    return {
        "seed": seed,
        "service": service,
        "as": role,
        "exit_code": process.returncode,
        "seconds": round(time.monotonic() - started, 1),
        **figures,
        "unseeded": world.missing,
        "output": str(written),
    }


def _figures(ndjson: str) -> dict[str, Any]:
    """Operations tested, requests made, failures by check, 5xx answers, from the NDJSON events."""
    operations, requests, server_errors, checked = set(), 0, 0, 0
    failures: dict[str, int] = {}
    for line in filter(None, ndjson.splitlines()):
        event = json.loads(line)
        for name, body in event.items():
            if name != "ScenarioFinished":
                continue
            recorder = body.get("recorder", {})
            operations.add(recorder.get("label"))
            for interactions in recorder.get("interactions", {}).values():
                response = interactions.get("response") or {}
                requests += 1
                server_errors += int(response.get("status_code", 0) >= 500)
            for checks in recorder.get("checks", {}).values():
                for check in checks:
                    checked += 1
                    if str(check.get("status")).lower() == "failure":
                        failures[check["name"]] = failures.get(check["name"], 0) + 1
    return {
        "operations": len(operations - {None}),
        "requests": requests,
        "checks_run": checked,
        "server_errors": server_errors,
        "failures": failures,
    }


async def fuzz(
    endpoints: Endpoints,
    examples: int,
    seeds: tuple[int, ...] = SEEDS[:1],
    *,
    phases: str = PHASES,
    report: Callable[[dict[str, Any]], None] = lambda result: None,
) -> list[dict[str, Any]]:
    """Every seed, every service, as each role, each run on a world of its own seeded just before it."""
    results = []
    async with platform(endpoints, name="fuzz", http_port_base=HTTP_PORT_BASE, environment=ENVIRONMENT) as running:
        async with httpx.AsyncClient(timeout=30) as http:
            for seed in seeds:
                for service in SERVICES:
                    for role in ROLES:
                        world = await seed_world(http, running)
                        results.append(await fuzz_service(running, service, role, examples, seed, world, phases))
                        report(results[-1])
    return results


def summary(results: list[dict[str, Any]], **labels: Any) -> dict[str, Any]:
    return {
        "fuzz": "summary",
        **labels,
        "runs": len(results),
        "operations": sum(r["operations"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "checks_run": sum(r["checks_run"] for r in results),
        "server_errors": sum(r["server_errors"] for r in results),
        "failures": sum(sum(r["failures"].values()) for r in results),
        "failed_runs": sum(r["exit_code"] != 0 for r in results),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", nargs="?", type=int, default=50, help="examples per operation (50)")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--seeds", type=int, default=3, help=f"how many seeds, from {SEEDS[0]} on (3)")
    chosen.add_argument("--seed", type=int, action="append", help="a seed to run (repeatable)")
    parser.add_argument("--phases", default=PHASES, help=f"schemathesis phases ({PHASES})")
    options = parser.parse_args(argv)
    seeds = tuple(options.seed) if options.seed else tuple(range(SEEDS[0], SEEDS[0] + options.seeds))

    def report(result: dict[str, Any]) -> None:
        print(json.dumps(result, sort_keys=True), flush=True)

    with infrastructure.provide() as provided:
        results = asyncio.run(fuzz(provided, options.examples, seeds, phases=options.phases, report=report))
    for seed in seeds:
        print(json.dumps(summary([r for r in results if r["seed"] == seed], seed=seed), sort_keys=True), flush=True)
    print(json.dumps(summary(results, seeds=list(seeds), examples_per_operation=options.examples), sort_keys=True), flush=True)
    return 0 if all(r["exit_code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
