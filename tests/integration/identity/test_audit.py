"""The audit trail: coordinator and admin actions, with who, what, when and from which token,
readable by the admins of that institution only."""

import uuid

import jwt
import pytest

from mesh_matching.bootstrap import DEFINITION as MATCHING
from tests.integration.identity.test_access import ELSEWHERE, join
from tests.support.identity import as_, bearer, local_issuer
from tests.support.services import running
from tests.unit.factories import mentor_profile, profile


@pytest.fixture
async def matching(endpoints, database_factory):
    async with running(MATCHING, endpoints.kafka_bootstrap, await database_factory()) as service:
        yield service


async def test_policy_changes_rounds_and_acting_for_others_are_audited_per_institution(matching) -> None:
    app, client = matching
    mentee_account = str(uuid.uuid4())
    await join(app, str(uuid.uuid4()), mentor_profile(program_id="stem", mentor_capacity=1))
    mentee = await join(app, mentee_account, profile(program_id="stem"))
    coordinator_token = local_issuer().token(audience="mesh-matching", roles=("coordinator",), campuses=("north",))
    claims = jwt.decode(coordinator_token, options={"verify_signature": False})
    assert (await client.put("/programs/stem/policy", json={"weights": {"goals": 2.0}},
                             headers=bearer(coordinator_token))).status_code == 200
    assert (await client.post("/programs/stem/rounds", json={"dry_run": True}, headers=bearer(coordinator_token))).status_code == 200
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    # The participant's own answer is their history, not an audit entry.
    await client.post(f"/matches/{match_id}/decline", json={"participant_id": str(mentee)},
                      headers=as_("matching", "participant", subject=mentee_account, campuses=("north",)))
    assert (await client.put("/programs/stem/policy", json={"weights": {"goals": 1.0}},
                             headers=as_("matching", "admin", institution=ELSEWHERE))).status_code == 200

    trail = (await client.get("/audit")).json()  # the test client is an admin of the test institution
    reads = [entry for entry in trail if entry["action"] == "personal_data.read"]  # L4: staff reads are audited
    assert [(e["actor_roles"], e["resource"], e["details"]["ids"]) for e in reads] == [(["admin"], "matches", [match_id])]
    trail = [entry for entry in trail if entry["action"] != "personal_data.read"]
    assert [entry["action"] for entry in trail] == ["round.preview", "policy.set"]
    round_entry, policy_entry = trail
    assert policy_entry["actor_subject"] == claims["sub"] and policy_entry["token_id"] == claims["jti"]
    assert policy_entry["actor_roles"] == ["coordinator"] and policy_entry["client_id"] == "mesh-cli"
    assert policy_entry["resource"] == "program/stem" and policy_entry["details"]["version"] == 1
    assert round_entry["details"] | {"objective": None} == {"mode": "mentor_mentee", "objective": None, "pool_size": 0,
                                                         "pairs": 0, "proposed": 0}  # both are proposed already

    theirs = (await client.get("/audit", headers=as_("matching", "admin", institution=ELSEWHERE))).json()
    assert [(e["action"], e["details"]["version"]) for e in theirs] == [("policy.set", 1)]
    refused = await client.get("/audit", headers=bearer(coordinator_token))
    assert refused.status_code == 403 and "only an admin may read the audit trail" in refused.json()["detail"]
    assert [e["audit_id"] for e in (await client.get("/audit", params={"before": round_entry["audit_id"]})).json()
            if e["action"] != "personal_data.read"] == [policy_entry["audit_id"]]
