"""Every service's OpenAPI document fuzzed with schemathesis, a bounded budget (``make fuzz`` runs
longer), as an admin and as a participant: no server error, every answer as documented, invalid
input refused, and every 4xx a problem that says what was wrong."""

import json

import pytest

from tests.fuzz.run import fuzz


@pytest.mark.timeout(900)
async def test_every_operation_of_every_service_answers_as_documented_under_fuzzing(endpoints) -> None:
    results = await fuzz(endpoints, examples=5)
    for result in results:
        print(json.dumps(result, sort_keys=True))
    assert {(r["service"], r["as"]) for r in results} == {
        (service, role) for service in ("profile", "matching", "scheduling", "notify") for role in ("admin", "participant")}
    failing = [f"{r['service']} as {r['as']}: {r['failures'] or 'exit ' + str(r['exit_code'])}, see {r['output']}"
               for r in results if r["exit_code"] != 0 or r["failures"] or r["server_errors"]]
    assert not failing, "\n".join(failing)
    assert all(r["operations"] >= 10 and r["checks_run"] > r["requests"] for r in results), results
