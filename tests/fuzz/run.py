"""Every service's OpenAPI document fuzzed with schemathesis against the running platform, as an
admin of the institution and as a participant (valid tokens of the test issuer), with the platform's
own check that every 4xx is a problem that says what was wrong (tests/fuzz/checks.py).

Checks: no server error, every status, content type, header and body as documented, invalid input
refused, and problem details. Prints one JSON line per service and a summary line.

Usage: python -m tests.fuzz.run [examples per operation] (``make fuzz``: 300; ``make test``: a few)
"""

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.platform import Platform, ensure_program, platform
from mesh_local.config import SERVICES
from tests.support import infrastructure
from tests.support.identity import bearer, local_issuer
from tests.support.infrastructure import Endpoints

CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
          "response_schema_conformance", "negative_data_rejection", "problem_details")
HTTP_PORT_BASE = 29400
ROLES = {"admin": ("admin",), "participant": ("participant",)}


async def fuzz_service(running: Platform, service: str, role: str, examples: int, seed: int) -> dict[str, Any]:
    """One schemathesis run over one service's operations; its figures from the run's JSON report."""
    token = local_issuer().token(audience=f"mesh-{service}", roles=ROLES[role], campuses=("north", "south"), lifetime=7200)
    with tempfile.TemporaryDirectory(prefix="mesh-fuzz-") as folder:
        report = Path(folder) / "report.ndjson"
        command = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{running.url(service)}/openapi.json",
                   "--checks", ",".join(CHECKS), "--max-examples", str(examples), "--seed", str(seed),
                   "--header", f"Authorization: {bearer(token)['Authorization']}", "--workers", "1",  # hypothesis reads lambda sources; threads race there
                   "--phases", "examples,coverage,fuzzing", "--generation-database", "none", "--no-color",
                   "--report", "ndjson", "--report-ndjson-path", str(report), "--request-timeout", "30"]
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env=os.environ | {"SCHEMATHESIS_HOOKS": "tests.fuzz.checks", "PYTHONPATH": str(infrastructure.REPO_ROOT)})
        output, _ = await process.communicate()
        figures = _figures(report.read_text() if report.exists() else "")
    written = running.config.state_dir / f"fuzz-{service}-{role}.txt"  # what schemathesis said, failures reproducible
    written.write_bytes(output)
    return {"service": service, "as": role, "exit_code": process.returncode, "seconds": round(time.monotonic() - started, 1),
            **figures, "output": str(written)}


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
    return {"operations": len(operations - {None}), "requests": requests, "checks_run": checked,
            "server_errors": server_errors, "failures": failures}


async def fuzz(endpoints: Endpoints, examples: int, seed: int = 16) -> list[dict[str, Any]]:
    """Every service, as each role, on a platform with one program to find."""
    async with platform(endpoints, name="fuzz", http_port_base=HTTP_PORT_BASE) as running:
        import httpx

        async with httpx.AsyncClient(timeout=30) as http:
            await ensure_program(http, running, "first-year-stem")
        return [await fuzz_service(running, service, role, examples, seed) for service in SERVICES for role in ROLES]


def main(argv: list[str]) -> int:
    examples = int(argv[0]) if argv else 300
    with infrastructure.provide() as provided:
        results = asyncio.run(fuzz(provided, examples))
    for result in results:
        print(json.dumps(result, sort_keys=True), flush=True)
    total = {"fuzz": "summary", "operations": sum(r["operations"] for r in results),
             "requests": sum(r["requests"] for r in results), "checks_run": sum(r["checks_run"] for r in results),
             "server_errors": sum(r["server_errors"] for r in results),
             "failures": sum(sum(r["failures"].values()) for r in results), "examples_per_operation": examples}
    print(json.dumps(total, sort_keys=True), flush=True)
    return 0 if all(r["exit_code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
