"""A short chaos run (``make chaos`` is the long one): the same load without faults and then while
each service is SIGKILLed and SIGTERMed and the broker and database server restart under it. Once
the platform settles nothing is lost, nothing doubled, nothing dead-lettered, the outcome is the one
without faults, no client ever met a server error and no service logged a request it failed unhandled."""

import json

import pytest

from tests.chaos.load import LoadPlan
from tests.chaos.run import chaos


@pytest.mark.timeout(900)
async def test_faults_under_load_lose_nothing_double_nothing_and_change_no_outcome(endpoints) -> None:
    plan = LoadPlan(pairs=24, erasures=4, in_flight=16, seconds=45)
    figures = await chaos(endpoints, plan, kills_per_service=1)
    print(json.dumps(figures, sort_keys=True))  # the figures, in the test's output
    assert figures["lost"] == {} and figures["doubled"] == {}, figures
    assert figures["against_the_plan"] == {"short": {}, "beyond": {}}, figures
    assert figures["dead_lettered"] == {"without_faults": 0}, figures
    assert figures["outcome"]["proposals"] == figures["outcome"]["matches"] == 24
    assert figures["outcome"]["sessions_completed"] == 24
    mails = figures["mails"]
    assert mails["distinct"] == mails["received_without_faults"] > 0  # every mail, each once by its Message-ID
    assert mails["repeated_with_same_message_id"] <= mails["repeats_bound"]  # SMTP's at-least-once: one per crash at most
    faults = figures["faults"]
    assert sorted((f["fault"], f["target"]) for f in faults if f["fault"] in ("sigkill", "sigterm")) == sorted(
        (kind, service) for service in ("matching", "notify", "profile", "scheduling") for kind in ("sigkill", "sigterm"))
    if endpoints.provider == "launcher":  # the broker and database server are ours to restart
        assert {f["fault"] for f in faults if f["recovered_seconds"] is not None} == {"sigkill", "sigterm", "kafka", "postgres"}
    client = figures["client"]
    assert not any(key.startswith("status_5") and key != "status_503" for key in client), client  # no server error
    assert "503_without_retry_after" not in client, client
    assert figures["unhandled_errors_logged"] == {}, figures["unhandled_errors_logged"]  # no request failed unhandled
