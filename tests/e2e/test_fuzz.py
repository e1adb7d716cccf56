"""Every service's OpenAPI document fuzzed with schemathesis, a bounded budget (``make fuzz`` runs
longer, with several seeds and the stateful phase), as an admin, a coordinator, a participant (the
account of one seeded participant) and a platform service, over real ids seeded through the APIs just
before each run: no server error, every answer as documented, invalid input refused, and every 4xx a
problem that says what was wrong."""

import json

import pytest

from mesh_runtime.registry import service_names
from tests.fuzz.run import ROLES, fuzz


@pytest.mark.timeout(1500)
async def test_every_operation_of_every_service_answers_as_documented_under_fuzzing(endpoints) -> None:
    results = await fuzz(endpoints, examples=5, seeds=(16,), phases="examples,coverage,fuzzing")
    for result in results:
        print(json.dumps(result, sort_keys=True))
    assert {(r["service"], r["as"]) for r in results} == {(service, role) for service in service_names() for role in ROLES}
    assert set(ROLES) == {"admin", "coordinator", "participant", "service"}
    assert not [r["unseeded"] for r in results if r["unseeded"]], "the platform was not seeded with every kind of id"
    failing = [
        f"{r['service']} as {r['as']}: {r['failures'] or 'exit ' + str(r['exit_code'])}, see {r['output']}"
        for r in results
        if r["exit_code"] != 0 or r["failures"] or r["server_errors"]
    ]
    assert not failing, "\n".join(failing)
    assert all(r["operations"] >= 10 and r["checks_run"] > r["requests"] for r in results), results
