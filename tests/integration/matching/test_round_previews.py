"""Round previews as jobs on a real database, through the HTTP API with real tokens: a preview gives the
dry run's report with its progress told on the way, publishes exactly its pairs once (however many
ask), is refused once the pool or policy changed, under a candidate policy, or for anyone but the
program's admins and coordinators of all its campuses; a preview whose job died reads interrupted."""

import asyncio
import threading
import uuid

from benchmarks.matching_rounds import pool as generated_pool
from mesh_matching.adapters import round_preview_jobs
from mesh_matching.adapters.peers import peers_of
from mesh_matching.adapters.postgres.candidates import PostgresCandidates
from mesh_matching.adapters.postgres.round_previews import PostgresRoundPreviews
from mesh_matching.application import preview_round
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.round_preview import PHASES
from mesh_matching.domain.rounds import plan as planning
from mesh_matching.domain.scoring import MatchingPolicy
from tests.integration.matching.support import join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_, as_person
from tests.support.services import in_tenant, outbox_types

PROGRAM = "first-year-stem"
PREVIEWS = f"/programs/{PROGRAM}/round-previews"


async def add(app, *candidates: Candidate) -> None:
    """Straight into the pool, as if they had joined before rounds began."""
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        for candidate in candidates:
            await PostgresCandidates(transaction.connection).add(candidate)


async def a_pool(app) -> None:
    """Two mentors with two places each, five mentees on both campuses, and one who fits nobody."""
    await add(
        app,
        *[Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=2, display_name=f"Mentor {i}")) for i in range(2)],
        *[
            Candidate(
                uuid.uuid4(),
                profile(campus=("north", "south")[i % 2], display_name=f"Mentee {i}", goals=["pass the final exam", f"goal {i}"]),
            )
            for i in range(5)
        ],
        Candidate(uuid.uuid4(), profile(languages=["fr"], display_name="Loner")),
    )


async def finished(client, preview_id: str, path: str = PREVIEWS, seen: list | None = None) -> dict:
    """Polls the preview until it no longer runs; ``seen``: every answer on the way."""
    for _ in range(1200):
        view = (await client.get(f"{path}/{preview_id}")).json()
        if seen is not None:
            seen.append(view)
        if view["status"] != "running":
            return view
        await asyncio.sleep(0.05)
    raise AssertionError(f"preview {preview_id} still runs")


async def previewed(client, body: dict | None = None, path: str = PREVIEWS) -> dict:
    started = await client.post(path, json=body or {})
    assert started.status_code == 202, started.text
    return await finished(client, started.json()["preview_id"], path)


def pairs_of(view: dict) -> set[frozenset[str]]:
    return {frozenset(p["participant_id"] for p in e["participants"]) for e in view["report"]["examples"]}


async def audited(app, action: str) -> int:
    return await in_tenant(app.state.components.database).fetchval("SELECT count(*) FROM mesh_audit WHERE action = $1", action)


async def test_a_preview_gives_the_dry_runs_report_and_publishing_proposes_exactly_its_pairs_once(matching) -> None:
    app, client = matching
    await a_pool(app)
    dry_run = (await client.post(f"/programs/{PROGRAM}/rounds", json={"mode": "mentor_mentee"})).json()

    started = await client.post(PREVIEWS, json={"mode": "mentor_mentee"})
    assert started.status_code == 202 and started.json()["status"] == "running" and started.json()["report"] is None
    assert started.headers["location"] == f"{PREVIEWS}/{started.json()['preview_id']}"
    view = await finished(client, started.json()["preview_id"])
    assert (view["status"], view["phase"], view["policy"], view["policy_version"]) == ("ready", "ready", "current", 0)
    assert view["done"] == view["total"] == 8 and view["finished_at"] and view["error"] is None
    report = view["report"]
    for field, value in dry_run.items():
        if field != "unmatched":
            assert report[field] == value, field
    assert [{"participant_id": u["participant_id"], "reason": u["reason"]} for u in report["unmatched"]] == dry_run["unmatched"]
    assert report["unmatched_count"] == 2 and "Loner" in {u["display_name"] for u in report["unmatched"]}
    assert len(report["examples"]) == 4 and {e["rank"] for e in report["examples"]} <= {"best", "median", "lowest"}
    scores = [e["score"] for e in report["examples"]]
    assert scores == sorted(scores, reverse=True) and report["lowest_score"] == scores[-1]
    for example in report["examples"]:
        assert [p["role"] for p in example["participants"]] == ["mentee", "mentor"]
        assert example["participants"][1]["display_name"].startswith("Mentor")
        assert "both share goals: pass the final exam" in example["reasons"] and example["parts"]
    assert await outbox_types(app) == []  # a preview proposes nothing

    published = await client.post(f"{PREVIEWS}/{view['preview_id']}/publish")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published" and len(published.json()["published_match_ids"]) == 4
    assert await outbox_types(app) == ["MatchProposed"] * 4
    rows = await in_tenant(app.state.components.database).fetch(
        "SELECT match_id, participant_a, participant_b FROM matches WHERE status = 'proposed'"
    )
    assert {frozenset((str(r["participant_a"]), str(r["participant_b"]))) for r in rows} == pairs_of(view)
    assert {str(r["match_id"]) for r in rows} == set(published.json()["published_match_ids"])

    again = await client.post(f"{PREVIEWS}/{view['preview_id']}/publish")  # idempotent: the same published state
    assert again.status_code == 200 and again.json()["published_match_ids"] == published.json()["published_match_ids"]
    assert await outbox_types(app) == ["MatchProposed"] * 4
    assert (await audited(app, "round.preview"), await audited(app, "round.publish")) == (2, 1)  # the dry run's too
    history = (await client.get(PREVIEWS)).json()
    assert [(h["preview_id"], h["status"], h["report"]) for h in history] == [(view["preview_id"], "published", None)]


async def test_progress_is_told_while_a_large_pool_is_previewed_and_never_goes_back(matching, monkeypatch) -> None:
    app, client = matching
    people = generated_pool("mentor_mentee", 3000)
    async with app.state.components.database.transaction(INSTITUTION) as transaction:
        await transaction.connection.executemany(
            "INSERT INTO candidates (participant_id, program_id, profile, capacity, slots) VALUES ($1, $2, $3, $4, $5)",
            [(c.participant_id, "bench", c.profile.model_dump(mode="json"), c.capacity, c.slots()) for c in people],
        )
    written: list[tuple[str, int, int]] = []
    told = PostgresRoundPreviews.progress

    async def recorded(store, preview_id, phase, done, total):
        written.append((phase, done, total))
        return await told(store, preview_id, phase, done, total)

    monkeypatch.setattr(PostgresRoundPreviews, "progress", recorded)
    monkeypatch.setattr(round_preview_jobs, "FLUSH_SECONDS", 0.005)
    monkeypatch.setattr(preview_round, "PAGE", 200)
    seen: list[dict] = []
    started = await client.post("/programs/bench/round-previews", json={})
    view = await finished(client, started.json()["preview_id"], "/programs/bench/round-previews", seen)

    assert view["status"] == "ready" and view["done"] == view["total"] == 3000 and view["report"]["pairs"] > 500
    assert {"reading", "scoring"} <= {phase for phase, _, _ in written}
    assert len({done for phase, done, _ in written if phase == "reading"}) >= 2  # told page by page, as it moves
    assert all(total == 3000 for phase, _, total in written if phase in ("reading", "scoring"))
    order = [(PHASES.index(phase), done) for phase, done, _ in written]
    assert order == sorted(order) and all(done <= total for _, done, total in written)
    shown = [(PHASES.index(v["phase"]), v["done"]) for v in seen]
    assert shown == sorted(shown)


async def test_a_preview_goes_stale_when_someone_joins_or_the_policy_changes_and_is_never_published(matching) -> None:
    app, client = matching
    await a_pool(app)
    view = await previewed(client)
    await join(app, profile(display_name="Late comer"))  # proposed a mentor's place at once: the pool changed
    assert (await client.get(f"{PREVIEWS}/{view['preview_id']}")).json()["status"] == "stale"
    refused = await client.post(f"{PREVIEWS}/{view['preview_id']}/publish")
    assert refused.status_code == 409 and refused.json()["type"].endswith("preview-stale")
    assert "preview again" in refused.json()["detail"] and refused.json()["preview_id"] == view["preview_id"]
    assert (await client.get(f"{PREVIEWS}/{view['preview_id']}")).json()["error"] == refused.json()["detail"]
    assert await outbox_types(app) == ["MatchProposed"]  # the late comer's own, nothing of the preview

    fresh = await previewed(client)
    policy = (await client.get(f"/programs/{PROGRAM}/policy")).json()["policy"]
    assert (await client.put(f"/programs/{PROGRAM}/policy", json=policy | {"min_overlap_hours": 0.5})).status_code == 200
    assert [h["status"] for h in (await client.get(PREVIEWS)).json()] == ["stale", "stale"]
    refused = await client.post(f"{PREVIEWS}/{fresh['preview_id']}/publish")
    assert refused.status_code == 409 and "policy changed" in refused.json()["detail"]
    assert await outbox_types(app) == ["MatchProposed"]


async def test_a_candidate_policy_is_previewed_side_by_side_but_never_published(matching) -> None:
    app, client = matching
    await a_pool(app)
    current = await previewed(client)
    weights = {
        "goals": 0.0,
        "experiences": 0.0,
        "challenges": 0.0,
        "interests": 0.0,
        "languages": 0.0,
        "availability": 0.0,
        "campus": 1.0,
        "meeting_mode": 0.0,
        "cadence": 0.0,
    }
    candidate_policy = (await client.get(f"/programs/{PROGRAM}/policy")).json()["policy"] | {"weights": weights}
    candidate = await previewed(client, {"policy": candidate_policy})
    assert (candidate["policy"], candidate["candidate_policy"]["weights"]) == ("candidate", weights)
    assert candidate["report"]["total_score"] != current["report"]["total_score"]
    assert all(
        e["parts"] == [{"criterion": "campus", "weight": 1.0, "value": e["score"]}] for e in candidate["report"]["examples"]
    )
    refused = await client.post(f"{PREVIEWS}/{candidate['preview_id']}/publish")
    assert refused.status_code == 409 and refused.json()["type"].endswith("candidate-policy")
    assert (await client.get(f"/programs/{PROGRAM}/policy")).json()["version"] == 0  # nothing saved
    assert await outbox_types(app) == []

    for bad, location in (
        ({"weights": {"goals": -1.0}}, "body.policy"),
        ({"weights": {"astrology": 1.0}}, "body.policy.weights.astrology"),
        ({"same_campus_required": "no"}, "body.policy.same_campus_required"),
    ):
        answer = await client.post(PREVIEWS, json={"policy": candidate_policy | bad})
        assert answer.status_code == 422, answer.text
        assert any(e["location"].startswith(location) for e in answer.json()["errors"]), answer.text
    assert (await client.post(PREVIEWS, json={"objective": "fairness"})).status_code == 422


async def test_only_the_programs_admins_and_coordinators_of_all_its_campuses_preview_read_and_publish(matching) -> None:
    app, client = matching
    await a_pool(app)
    view = await previewed(client, path=PREVIEWS)
    one_campus = as_("matching", "coordinator", campuses=("north",))
    participant = as_person("matching", campuses=("north",))
    other_admin = as_("matching", "admin", institution="other-college")
    routes = (
        ("post", PREVIEWS),
        ("get", PREVIEWS),
        ("get", f"{PREVIEWS}/{view['preview_id']}"),
        ("post", f"{PREVIEWS}/{view['preview_id']}/publish"),
    )
    for headers in (one_campus, participant):
        for method, path in routes:
            answer = await client.request(method, path, headers=headers, json={} if method == "post" else None)
            assert answer.status_code == 403, (method, path, answer.text)
    for method, path in routes[2:]:  # another institution's: not found
        assert (await client.request(method, path, headers=other_admin)).status_code == 404
    assert (await client.get(PREVIEWS, headers=other_admin)).json() == []  # their own institution has none
    assert (await client.get(f"/programs/{PROGRAM}/round-previews/{uuid.uuid4()}")).status_code == 404
    assert (await client.get(f"/programs/another-program/round-previews/{view['preview_id']}")).status_code == 404

    both_campuses = as_("matching", "coordinator")
    assert (await client.get(f"{PREVIEWS}/{view['preview_id']}", headers=both_campuses)).json()["status"] == "ready"
    published = await client.post(f"{PREVIEWS}/{view['preview_id']}/publish", headers=both_campuses)
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert await outbox_types(app) == ["MatchProposed"] * 4


async def test_two_coordinators_publishing_at_once_make_one_set_of_proposals(matching) -> None:
    app, client = matching
    await a_pool(app)
    view = await previewed(client)
    answers = await asyncio.gather(
        *(client.post(f"{PREVIEWS}/{view['preview_id']}/publish", headers=as_("matching", "coordinator")) for _ in range(3))
    )
    assert [a.status_code for a in answers] == [200] * 3
    assert len({tuple(a.json()["published_match_ids"]) for a in answers}) == 1
    assert await outbox_types(app) == ["MatchProposed"] * 4
    assert await audited(app, "round.publish") == 1


async def test_one_preview_runs_at_a_time_and_one_whose_job_is_gone_reads_interrupted(matching, monkeypatch) -> None:
    app, client = matching
    await a_pool(app)
    release = threading.Event()
    real = planning.plan_round  # read by the preview when it plans (imported then: the kernels load on first use)
    monkeypatch.setattr(planning, "plan_round", lambda *args: release.wait(30) and real(*args))
    try:
        first = (await client.post(PREVIEWS, json={})).json()
        second = await client.post(PREVIEWS, json={"objective": "coverage"})
        assert second.status_code == 409 and second.json()["type"].endswith("preview-running")
        assert second.json()["preview_id"] == first["preview_id"]
        not_yet = await client.post(f"{PREVIEWS}/{first['preview_id']}/publish")
        assert not_yet.status_code == 409 and not_yet.json()["type"].endswith("preview-not-ready")
        release.set()
        assert (await finished(client, first["preview_id"]))["status"] == "ready"

        release.clear()  # the service stops mid-preview: marked interrupted
        stopped = (await client.post(PREVIEWS, json={})).json()
        await peers_of(app.state.components).previews.stop()
        view = (await client.get(f"{PREVIEWS}/{stopped['preview_id']}")).json()
        assert view["status"] == "interrupted" and "stopped" in view["error"]
    finally:
        release.set()

    # A process that died mid-preview: its row says running, its heartbeat ages.
    components = app.state.components
    dead = uuid.uuid4()
    order = preview_round.PreviewOrder(PROGRAM, "mentor_mentee", "score", MatchingPolicy(), components.clock.now())
    async with components.database.transaction(INSTITUTION) as transaction:
        assert await PostgresRoundPreviews(transaction.connection).begin(INSTITUTION, dead, order, False, 0) is None
    assert (await client.get(f"{PREVIEWS}/{dead}")).json()["status"] == "running"
    await in_tenant(components.database).execute(
        "UPDATE round_previews SET heartbeat_at = now() - interval '61 seconds' WHERE preview_id = $1", dead
    )
    assert (await client.get(f"{PREVIEWS}/{dead}")).json()["status"] == "interrupted"
    assert (await client.get(PREVIEWS)).json()[0]["status"] == "interrupted"
    refused = await client.post(f"{PREVIEWS}/{dead}/publish")
    assert refused.status_code == 409 and refused.json()["type"].endswith("preview-not-ready")
    after = await previewed(client)  # a dead preview blocks nobody
    assert after["status"] == "ready"
    assert (await client.get(f"{PREVIEWS}/{dead}")).json()["status"] == "interrupted"
    statuses = await in_tenant(components.database).fetch("SELECT status FROM round_previews WHERE preview_id = $1", dead)
    assert [row["status"] for row in statuses] == ["interrupted"]  # stored so, no longer only read so


async def test_old_previews_are_pruned_to_the_last_twenty(matching) -> None:
    app, client = matching
    await add(app, Candidate(uuid.uuid4(), mentor_profile()), Candidate(uuid.uuid4(), profile()))
    ids = [(await previewed(client))["preview_id"] for _ in range(22)]
    kept = await in_tenant(app.state.components.database).fetch("SELECT preview_id FROM round_previews")
    assert {str(row["preview_id"]) for row in kept} == set(ids[2:])
    assert [h["preview_id"] for h in (await client.get(f"{PREVIEWS}?limit=20")).json()] == ids[:1:-1]
    assert (await client.get(f"{PREVIEWS}?limit=21")).status_code == 422
