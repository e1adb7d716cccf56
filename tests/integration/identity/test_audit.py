"""The audit trail: coordinator and admin actions, with who, what, when and from which token,
readable by the admins of that institution only."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from mesh_matching.bootstrap import DEFINITION as MATCHING
from tests.integration.identity.test_access import ELSEWHERE, join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_, as_person, bearer, local_issuer
from tests.support.services import running


@pytest.fixture
async def matching(endpoints, database_factory):
    async with running(MATCHING, endpoints.kafka_bootstrap, await database_factory(MATCHING)) as service:
        yield service


async def test_policy_changes_rounds_and_acting_for_others_are_audited_per_institution(matching) -> None:
    app, client = matching
    mentee_account = str(uuid.uuid4())
    await join(app, str(uuid.uuid4()), mentor_profile(program_id="stem", mentor_capacity=1))
    mentee = await join(app, mentee_account, profile(program_id="stem"))
    coordinator_token = local_issuer().token(audience="mesh-matching", roles=("coordinator",), campuses=("north",))
    claims = jwt.decode(coordinator_token, options={"verify_signature": False})
    assert (
        await client.put("/programs/stem/policy", json={"weights": {"goals": 2.0}}, headers=bearer(coordinator_token))
    ).status_code == 200
    assert (
        await client.post("/programs/stem/rounds", json={"dry_run": True}, headers=bearer(coordinator_token))
    ).status_code == 200
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    # The participant's own answer is their history, not an audit entry.
    await client.post(
        f"/matches/{match_id}/decline",
        json={"participant_id": str(mentee)},
        headers=as_("matching", "participant", subject=mentee_account, campuses=("north",)),
    )
    assert (
        await client.put(
            "/programs/stem/policy", json={"weights": {"goals": 1.0}}, headers=as_("matching", "admin", institution=ELSEWHERE)
        )
    ).status_code == 200

    trail = (await client.get("/audit")).json()  # the test client is an admin of the test institution
    reads = [entry for entry in trail if entry["action"] == "personal_data.read"]  # L4: staff reads are audited
    assert [(e["actor_roles"], e["resource"], e["details"]["ids"]) for e in reads] == [(["admin"], "matches", [match_id])]
    trail = [entry for entry in trail if entry["action"] != "personal_data.read"]
    assert [entry["action"] for entry in trail] == ["round.preview", "policy.set"]
    round_entry, policy_entry = trail
    assert policy_entry["actor_subject"] == claims["sub"] and policy_entry["token_id"] == claims["jti"]
    assert policy_entry["actor_roles"] == ["coordinator"] and policy_entry["client_id"] == "mesh-cli"
    assert policy_entry["resource"] == "program/stem" and policy_entry["details"]["version"] == 1
    assert round_entry["details"] | {"objective": None} == {
        "mode": "mentor_mentee",
        "objective": None,
        "pool_size": 0,
        "pairs": 0,
        "proposed": 0,
    }  # both are proposed already

    theirs = (await client.get("/audit", headers=as_("matching", "admin", institution=ELSEWHERE))).json()
    assert [(e["action"], e["details"]["version"]) for e in theirs] == [("policy.set", 1)]
    refused = await client.get("/audit", headers=bearer(coordinator_token))
    assert refused.status_code == 403 and "only an admin may read the audit trail" in refused.json()["detail"]
    assert [
        e["audit_id"]
        for e in (await client.get("/audit", params={"before": round_entry["audit_id"]})).json()
        if e["action"] != "personal_data.read"
    ] == [policy_entry["audit_id"]]


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# (name, actor, action, resource, minutes after T0); "late" is written last (the highest audit_id) but
# happened earlier than four others: the trail is by when, then by id.
ENTRIES = [
    ("create", "alice", "program.create", "program/first-year-stem", 0),
    ("policy", "alice", "policy.set", "program/first-year-stem", 1),
    ("preview", "bob", "round.preview", "program/first-year-stem", 2),
    ("run", "bob", "round.run", "program/first-year-stem", 3),
    ("grad-preview", "alice", "round.preview", "program/grad-peers", 4),
    ("by-hand", "bob", "match.propose_by_hand.preview", "program/grad-peers", 5),
    ("nudge", "bob", "match.nudge", "match/5d2e0c9b-8a43-4f7e-b1c2-3e4d5f6a7b8c", 6),
    ("read", "alice", "personal_data.read", "participants", 7),
    ("lookalike", "carol", "roundup.run", "programme/first-year-stem", 8),
    ("late", "bob", "round.run", "program/grad-peers", 2.5),
]


async def _seed(app, institution: str, entries) -> dict[str, int]:
    """Entries written straight into the trail at the times given (the service's role may add entries)."""
    ids = {}
    async with app.state.components.database.transaction(institution) as transaction:
        for name, actor, action, resource, minutes in entries:
            ids[name] = await transaction.connection.fetchval(
                "INSERT INTO mesh_audit (at, actor_subject, actor_roles, action, resource) VALUES ($1, $2, $3, $4, $5) "
                "RETURNING audit_id",
                T0 + timedelta(minutes=minutes),
                actor,
                ["admin"],
                action,
                resource,
            )
    return ids


async def test_the_trail_is_filtered_by_action_actor_resource_and_time_and_pages_under_a_filter(matching) -> None:
    app, client = matching
    ids = await _seed(app, INSTITUTION, ENTRIES)
    theirs = await _seed(app, ELSEWHERE, [("theirs", "alice", "round.run", "program/first-year-stem", 3)])
    name_of = {audit_id: name for name, audit_id in ids.items()}

    async def listed(**params) -> list[str]:
        answer = await client.get("/audit", params=params)
        assert answer.status_code == 200, answer.text
        return [name_of[entry["audit_id"]] for entry in answer.json()]

    assert await listed() == [
        "lookalike",
        "read",
        "nudge",
        "by-hand",
        "grad-preview",
        "run",
        "late",
        "preview",
        "policy",
        "create",
    ]
    assert await listed(action="round.run") == ["run", "late"]
    assert await listed(action="round.") == ["grad-preview", "run", "late", "preview"]  # not roundup.run
    assert await listed(action="match.") == ["nudge", "by-hand"]
    assert await listed(action="match.propose_by_hand.") == ["by-hand"]
    assert await listed(action="match.propose_by_hand") == []  # exact: no such action
    assert await listed(actor="bob") == ["nudge", "by-hand", "run", "late", "preview"]
    assert await listed(actor="bo") == []
    assert await listed(resource="program/first-year-stem") == ["run", "preview", "policy", "create"]
    assert await listed(resource="program/") == ["by-hand", "grad-preview", "run", "late", "preview", "policy", "create"]
    assert await listed(resource="participants") == ["read"]
    since, until = (T0 + timedelta(minutes=3)).isoformat(), (T0 + timedelta(minutes=6)).isoformat()
    assert await listed(since=since, until=until) == ["by-hand", "grad-preview", "run"]  # since: at or after; until: before
    assert await listed(since="2026-03-02T10:02:30+01:00") == [
        "lookalike",
        "read",
        "nudge",
        "by-hand",
        "grad-preview",
        "run",
        "late",
    ]  # an offset is honoured
    assert await listed(action="round.", actor="bob", resource="program/grad-peers") == ["late"]
    assert await listed(action="round.", actor="bob", since=(T0 + timedelta(minutes=2.5)).isoformat(), until=until) == [
        "run",
        "late",
    ]

    # Paging under a filter: the next page starts after the last entry shown, exactly.
    pages, before = [], None
    while True:
        page = await listed(resource="program/", limit=3, **({"before": ids[before]} if before else {}))
        if not page:
            break
        pages.append(page)
        before = page[-1]
    assert pages == [["by-hand", "grad-preview", "run"], ["late", "preview", "policy"], ["create"]]
    assert await listed(action="round.", before=ids["grad-preview"]) == ["run", "late", "preview"]
    assert await listed(action="round.", before=ids["late"]) == ["preview"]  # late is older than run, newer than preview

    # Admins only, and each institution its own entries.
    other_admin = as_("matching", "admin", institution=ELSEWHERE)
    elsewhere = await client.get("/audit", params={"action": "round.", "resource": "program/"}, headers=other_admin)
    assert [entry["audit_id"] for entry in elsewhere.json()] == [theirs["theirs"]]
    assert [e["audit_id"] for e in (await client.get("/audit", headers=other_admin)).json()] == [theirs["theirs"]]
    not_theirs = await client.get("/audit", params={"before": ids["run"]}, headers=other_admin)
    assert not_theirs.status_code == 422 and not_theirs.json()["errors"][0]["location"] == "query.before"
    for refused in (as_("matching", "coordinator", campuses=("north",)), as_person("matching")):
        answer = await client.get("/audit", params={"action": "round."}, headers=refused)
        assert answer.status_code == 403 and "only an admin may read the audit trail" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("params", "location", "says"),
    [
        ({"action": "Round.run"}, "query.action", "words of a-z"),
        ({"action": "round.."}, "query.action", "words of a-z"),
        ({"action": "."}, "query.action", "words of a-z"),
        ({"action": "round." + "x" * 100}, "query.action", "at most 100 characters"),
        ({"resource": "program//"}, "query.resource", "joined by '/'"),
        ({"resource": "program/a b"}, "query.resource", "joined by '/'"),
        ({"actor": "bob smith"}, "query.actor", "no spaces"),
        ({"actor": ""}, "query.actor", "printable ASCII"),
        ({"since": "2026-03-02T09:00:00"}, "query.since", "timezone"),
        ({"until": "yesterday"}, "query.until", "ISO 8601"),
        ({"since": "0001-01-01T00:00:00+14:00"}, "query.since", "out of range"),
        ({"until": "0.5"}, "query.until", "ISO 8601"),  # not seconds since 1970 (fuzzing sent it)
        ({"since": "2026-03-02T09:00:00Z", "until": "2026-03-02T09:00:00Z"}, "query.until", "later than since"),
        ({"before": 12345}, "query.before", "not an entry of this audit trail"),
    ],
)
async def test_a_filter_of_the_wrong_shape_is_refused_naming_it(matching, params, location, says) -> None:
    _, client = matching
    answer = await client.get("/audit", params=params)
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:mentoringmesh:problem:invalid-request"
    assert problem["errors"][0]["location"] == location and says in problem["errors"][0]["message"], problem
