"""A short chaos run (``make chaos`` is the long one): the same load without faults and then while
each service is SIGKILLed and SIGTERMed and the broker and database server restart under it. Once
the platform settles nothing is lost, nothing doubled, nothing dead-lettered, the outcome is the one
without faults, no client ever met a server error and no service logged a request it failed unhandled."""

import json

import pytest

from tests.chaos.load import LoadPlan
from tests.chaos.run import chaos, shortfalls


@pytest.mark.timeout(900)
async def test_faults_under_load_lose_nothing_double_nothing_and_change_no_outcome(endpoints) -> None:
    plan = LoadPlan(
        pairs=24, erasures=4, in_flight=16, seconds=90
    )  # outlasts its ten faults, each awaited until recovered (~75 s)
    figures = await chaos(endpoints, plan, kills_per_service=1, database_down_seconds=5)
    print(json.dumps(figures, sort_keys=True))  # the figures, in the test's output
    restarts = endpoints.provider == "launcher"  # the broker and database server are ours to restart
    assert shortfalls(figures, restarts_expected=restarts) == [], figures
    assert figures["outcome"]["proposals"] == figures["outcome"]["matches"] == 24
    assert figures["outcome"]["sessions_completed"] == 24
    assert figures["mails"]["distinct"] > 0  # and as many as without faults (shortfalls)
    faults = figures["faults"]
    assert sorted((f["fault"], f["target"]) for f in faults if f["fault"] in ("sigkill", "sigterm")) == sorted(
        (kind, service) for service in ("matching", "notify", "profile", "scheduling") for kind in ("sigkill", "sigterm")
    )
    if restarts:
        assert {f["fault"] for f in faults if f["recovered_seconds"] is not None} == {"sigkill", "sigterm", "kafka", "postgres"}
        assert next(f for f in faults if f["fault"] == "postgres")["recovered_seconds"] >= 5
