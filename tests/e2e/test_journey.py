"""The whole platform as separate processes over real Kafka, PostgreSQL and SMTP: one journey."""

import asyncio
import base64
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid

import asyncpg
import httpx
from pydantic import BaseModel

from mentoring_contracts import dead_letter_topic
from mesh_local.config import SERVICES
from mesh_local.journey import run_journey
from mesh_local.keycloak import automation_token, user_token
from mesh_local.realm import ADMIN
from tests.e2e.after_the_match import (
    feed_matches_the_sessions,
    reminded_once_at_the_right_moments,
    series_keeps_local_time_across_dst,
)
from tests.e2e.conftest import ENVIRONMENT
from tests.integration.kafka_helpers import read_all, read_to_end
from tests.support.factories import mentor_profile, profile


async def test_a_mentoring_journey_flows_through_all_four_services(platform, smtp_inbox, endpoints) -> None:
    _, inbox = smtp_inbox
    config, services = platform

    async def notify_dies_and_comes_back() -> None:
        """Between planning the reminders and sending them: SIGKILL, no drain, then a new process."""
        services.signal("notify", signal.SIGKILL)
        await asyncio.to_thread(services.wait_gone, "notify", 20)
        services.start(("notify",), extra_env=ENVIRONMENT)
        await asyncio.to_thread(services.wait_ready, ("notify",), 90)

    report = await run_journey(config, cohort_size=16, pairs_to_accept=2, pause=notify_dies_and_comes_back)
    assert report.joined == 16
    assert report.roster.endswith("16 rows: new 16, updated 0, unchanged 0, rejected 0"), report.roster
    assert len(report.accepted) == 2 and all(m["status"] == "accepted" for m in report.accepted)
    assert all(m["reasons"] for m in report.proposed)
    first = report.sessions[0]
    assert first["sequence"] == 1 and first["starts_at"] < first["ends_at"]
    assert report.completed["status"] == "completed"
    # welcome, proposed, accepted, scheduled, completed (+ the next session scheduled) for each of the pair
    assert report.notifications_sent >= 10
    ours = [m for m in inbox.messages if any(address in m["To"] for address in report.emails)]
    subjects = [m["Subject"] for m in ours]
    welcomed = sorted(next(a for a in report.emails if a in m["To"]) for m in ours if m["Subject"].startswith("Welcome"))
    assert welcomed == sorted(report.emails)  # each of this run's participants welcomed exactly once
    for fragment in ("a proposed mentoring match", "are now a mentoring pair", "Session 1 with", "recorded"):
        assert any(fragment in s for s in subjects), fragment
    for event_type in (
        "ProgramCreated",
        "ParticipantJoined",
        "ParticipantProfileUpdated",
        "MatchProposed",
        "MatchAccepted",
        "SessionScheduled",
        "SessionCompleted",
        "NotificationSent",
    ):
        assert report.events[event_type] >= 1, event_type
    for service in ("matching", "scheduling", "notify"):
        assert await read_all(endpoints.kafka_bootstrap, dead_letter_topic(service), expect=1, timeout=2) == []
    assert report.after.said[-1].startswith("the term ended")  # every step after the match was taken
    assert report.missing == [], f"catalogued events that never flowed: {report.missing}"
    await reminded_once_at_the_right_moments(config, report, inbox)
    await feed_matches_the_sessions(config, report)
    await series_keeps_local_time_across_dst(config, report)


def test_the_example_subscriber_prints_the_journey_once_and_resumes_where_it_left(platform, tmp_path) -> None:
    config, _ = platform
    command = [
        sys.executable,
        "contracts/examples/subscriber.py",
        "--bootstrap",
        config.kafka_bootstrap,
        "--group",
        f"example-{uuid.uuid4().hex[:6]}",
        "--state",
        str(tmp_path / "seen.sqlite3"),
        "--idle-seconds",
        "4",
    ]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    for name in ("ParticipantJoined", "MatchProposed", "MatchAccepted", "SessionScheduled", "SessionCompleted"):
        assert f" {name} " in first.stdout, name
    assert "NotificationSent" not in first.stdout  # internal topic: not offered to subscribers
    printed = len(first.stdout.splitlines())
    assert f"handled {printed} new events" in first.stderr
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert again.stdout == "" and "handled 0 new events" in again.stderr  # committed: nothing twice


def test_each_services_api_docs_render_in_a_real_browser_without_a_cdn(platform, tmp_path) -> None:
    config, _ = platform
    chromium = shutil.which("chromium")
    assert chromium, "make test installs Debian's chromium; run it through make test"
    expected = {
        "profile": "Join a mentoring program",
        "matching": "Accept a proposed match",
        "scheduling": "Record a session as done",
        "notify": "Notifications of one recipient",
    }
    for service, operation in expected.items():
        dom = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / service}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                f"{config.service_url(service)}/docs",
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        ).stdout
        assert "swagger-ui" in dom, f"{service}: docs page did not load"
        assert operation in dom, f"{service}: Swagger UI did not render the OpenAPI document"


async def test_keycloak_tokens_open_every_service_and_a_tampered_one_opens_none(platform) -> None:
    """Real tokens from the local Keycloak, for people and for the automation client."""
    config, _ = platform
    paths = {
        "profile": "/participants/{id}",
        "matching": "/matches/{id}",
        "scheduling": "/sessions/{id}",
        "notify": "/notifications/{id}",
    }
    tokens = {
        "student01": user_token(config, "student01"),
        "cole": user_token(config, "cole"),
        "nadia": user_token(config, "nadia"),
        "automation": automation_token(config),
    }
    header, payload, signature = tokens["student01"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]  # a participant promoting themself
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), signature])
    async with httpx.AsyncClient(timeout=10) as http:
        for service, path in paths.items():
            url = config.service_url(service) + path.format(id=uuid.uuid4())
            for who, token in tokens.items():
                answered = await http.get(url, headers={"Authorization": f"Bearer {token}"})
                assert answered.status_code == 404, (service, who, answered.status_code, answered.text)
            refused = await http.get(url, headers={"Authorization": f"Bearer {tampered}"})
            assert refused.status_code == 401 and "signature does not verify" in refused.headers["WWW-Authenticate"]
            assert (await http.get(url)).status_code == 401


async def test_a_participant_erases_themself_every_service_confirms_and_no_store_keeps_their_data(platform, endpoints) -> None:
    """Through the running platform: the person's own request, each service's confirmation over Kafka
    (notify is down when it is asked, and catches up when it is back), then every table of the four
    databases searched for what identified them."""
    config, services = platform
    tag = uuid.uuid4().hex[:8]
    program, goal, note = f"erasure-{tag}", f"understand proofs {tag}", f"we worked through induction {tag}"
    own_goal, challenge = f"write a thesis on {tag}", f"caring for a parent {tag}"  # theirs alone
    leaving, staying = user_token(config, "student40"), user_token(config, "student39")  # south, north
    leaving_sub = json.loads(base64.urlsafe_b64decode(leaving.split(".")[1] + "==="))["sub"]
    urls = {service: config.service_url(service) for service in SERVICES}
    # What identifies them, one traceable value for every free-text field the contracts mark as personal
    # data (the shared goal stays: it is in their partner's own profile too).
    personal = {
        "name": f"Erin Erasable {tag}",
        "email": "student40@northbridge.example.edu",
        "own goal": own_goal,
        "challenge": challenge,
        "reflection": note,
        "account": leaving_sub,
        "experience": f"led a study group {tag}",
        "interest": f"bouldering {tag}",
        "agreed goal": f"a proof a week {tag}",
        "expectation": f"answer within a day {tag}",
        "reason for cancelling": f"my grandmother's birthday {tag}",
    }
    assert marked_personal_data() <= set(SEARCHED_AS) | CHECKED_IN_THEIR_STORE, (
        "a field the contracts mark as personal data that this test neither searches for nor knows to be checked: "
        f"{sorted(marked_personal_data() - set(SEARCHED_AS) - CHECKED_IN_THEIR_STORE)}"
    )

    async with httpx.AsyncClient(timeout=10) as http:

        async def call(method: str, service: str, path: str, token: str, **kwargs) -> httpx.Response:
            return await http.request(method, urls[service] + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)

        created = await call(
            "POST",
            "profile",
            "/programs",
            user_token(config, ADMIN),
            json={
                "program_id": program,
                "name": "Erasure check",
                "setting": "academic",
                "campuses": ["north", "south"],
                "matching_mode": "mentor_mentee",
            },
        )
        assert created.status_code == 201, created.text
        mentor = mentor_profile(
            program_id=program, campus="north", goals=[goal], mentor_capacity=1, email="student39@northbridge.example.edu"
        )
        mentee = profile(
            program_id=program,
            campus="south",
            display_name=personal["name"],
            email=personal["email"],
            goals=[goal, own_goal],
            challenges=[challenge],
            experiences=[personal["experience"]],
            interests=[personal["interest"]],
        )
        assert (await call("POST", "profile", "/participants", staying, json=mentor.model_dump(mode="json"))).status_code == 201
        joined = await call("POST", "profile", "/participants", leaving, json=mentee.model_dump(mode="json"))
        assert joined.status_code == 201, joined.text
        me = joined.json()["participant_id"]

        async def proposed() -> list | None:
            answer = await call("GET", "matching", f"/participants/{me}/matches", leaving)
            return answer.json() if answer.status_code == 200 else None  # 404 until matching has them

        [match] = await run_until(proposed)
        assert any(goal in reason for reason in match["reasons"])
        for member in match["participants"]:
            token = leaving if member["participant_id"] == me else staying
            accepted = await call(
                "POST",
                "matching",
                f"/matches/{match['match_id']}/accept",
                token,
                json={"participant_id": member["participant_id"]},
            )
            assert accepted.status_code == 200, accepted.text

        async def scheduled() -> list:
            return (await call("GET", "scheduling", f"/matches/{match['match_id']}/sessions", leaving)).json()

        [session] = await run_until(scheduled)
        done = await call(
            "POST",
            "scheduling",
            f"/sessions/{session['session_id']}/complete",
            leaving,
            json={"participant_id": me, "progress_rating": 4, "notes": note},
        )
        assert done.status_code == 200, done.text
        proposed_terms = await call(
            "POST",
            "scheduling",
            f"/matches/{match['match_id']}/agreements",
            leaving,
            json={
                "participant_id": me,
                "goals": [{"description": personal["agreed goal"]}],
                "expectations": [personal["expectation"]],
                "cadence": "weekly",
                "meeting_mode": "online",
                "session_minutes": 45,
                "runs_until": "2027-06-30",
            },
        )
        assert proposed_terms.status_code == 201, proposed_terms.text
        [following] = [s for s in await scheduled() if s["session_id"] != session["session_id"]][:1]
        cancelled = await call(
            "POST",
            "scheduling",
            f"/sessions/{following['session_id']}/cancel",
            leaving,
            json={"participant_id": me, "reason": personal["reason for cancelling"]},
        )
        assert cancelled.status_code == 200, cancelled.text
        before = await _program_count(endpoints.postgres_admin_url, config, program)

        assert services.stop(("notify",)) == ["notify"]
        erased = await call("DELETE", "profile", f"/participants/{me}", leaving)
        assert erased.status_code == 202, erased.text

        async def confirmed_by(wanted: set[str]):
            async def probe() -> dict | None:
                status = (await call("GET", "profile", f"/participants/{me}/erasure", leaving)).json()
                return status if {c["service"] for c in status["confirmations"] if c["confirmed_at"]} == wanted else None

            return await run_until(probe)

        assert not (await confirmed_by({"profile", "matching", "scheduling"}))["complete"]  # notify is away
        services.start(("notify",), extra_env={"MESH_LOG_LEVEL": "INFO", "MESH_DRAIN_TIMEOUT_SECONDS": "10"})
        services.wait_ready(("notify",), timeout=120)
        status = await confirmed_by(set(SERVICES))
        assert status["complete"]
        print("erasure confirmations:", json.dumps(status["confirmations"]))  # shown with -s; quoted in closing notes
        erased = {c["service"]: set(c["erased"]) for c in status["confirmations"]}
        assert {"reflection notes"} <= erased["scheduling"] and {
            "match reasons and the reasons given for declining or ending",
            "name and email",
        } <= erased["matching"]
        assert {"name and email address"} <= erased["notify"]
        ended = (await call("GET", "matching", f"/matches/{match['match_id']}", staying)).json()
        assert ended["status"] == "ended" and ended["reasons"] == []  # the pair ended; the partner's place is free

    assert await _program_count(endpoints.postgres_admin_url, config, program) == before == 2
    found = await _find_anywhere(endpoints.postgres_admin_url, config, personal)
    assert found == [], found
    # A new subscriber reading every topic from the beginning (the dead-letter topics too) meets none
    # of it either: events carry ids and non-identifying attributes only (contracts 2.0).
    records = await read_to_end(endpoints.kafka_bootstrap)
    assert any(record.key == me.encode() for record in records)  # their events are there, anonymous
    on_kafka = sorted(
        {
            f"{record.topic}: {what}"
            for record in records
            for what, value in personal.items()
            if value.encode() in b"".join([record.key or b"", record.value or b"", *(v for _, v in record.headers)])
        }
    )
    assert on_kafka == [], on_kafka


# Each field a current contract marks as personal data, and what the erasure test above calls the
# value it gives it, searched for as text in every table of the four databases after the erasure.
SEARCHED_AS = {
    "display_name": "name",
    "email": "email",
    "goals": "own goal",
    "challenges": "challenge",
    "experiences": "experience",
    "interests": "interest",
    "notes": "reflection",
    "subject": "account",
    "description": "agreed goal",
    "expectations": "expectation",
    "reason": "reason for cancelling",
    "reasons": "challenge",
}
# Facts that identify nobody alone (a self-joined person takes them from the IdP: "student", 1,
# "Mathematics"), so no text search can find them: profile clears them on erasure and matching never
# stores them (tests/integration/matching/test_privacy.py, tests/unit/profile).
CHECKED_IN_THEIR_STORE = {"affiliation", "year_of_study", "department", "custom_attributes"}


def marked_personal_data() -> set[str]:
    """The names of the fields any contract model marks ``x-personal-data``, retired versions included
    (their history may still be in a store)."""
    import mentoring_contracts

    models = [model for model in vars(mentoring_contracts).values() if isinstance(model, type) and issubclass(model, BaseModel)]
    return {
        name
        for model in models
        for name, field in model.model_fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("x-personal-data")
    }


async def run_until(probe, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await probe():
            return result
        await asyncio.sleep(0.3)
    raise AssertionError(f"timed out waiting for {probe.__name__}")


async def _program_count(admin_url: str, config, program: str) -> int:
    connection = await asyncpg.connect(_database_url(admin_url, config.database_name("profile")))
    try:
        return await connection.fetchval("SELECT count(*) FROM participants WHERE program_id = $1", program)
    finally:
        await connection.close()


def _database_url(admin_url: str, database: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{database}"


async def _find_anywhere(admin_url: str, config, personal: dict[str, str]) -> list[str]:
    """Every (database, table, what) where a piece of the person's data still stands, searched as text
    in every row of every table (bytea columns, the outbox's events, as UTF-8)."""
    found = []
    for service in SERVICES:
        connection = await asyncpg.connect(_database_url(admin_url, config.database_name(service)))
        try:
            tables = [
                row["relname"]
                for row in await connection.fetch(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
                )
            ]
            for table in tables:
                for what, value in personal.items():
                    hits = await connection.fetchval(
                        f'SELECT count(*) FROM "{table}" t WHERE strpos(t::text, $1) > 0'
                        + (" OR position(convert_to($1, 'UTF8') IN value) > 0" if table == "mesh_outbox" else ""),
                        value,
                    )
                    if hits:
                        found.append(f"{service}.{table}: {what} in {hits} row(s)")
        finally:
            await connection.close()
    return found


async def test_sigterm_drains_and_stops_each_service_cleanly(platform) -> None:
    _, services = platform
    started = time.monotonic()
    stopped = services.stop()
    assert sorted(stopped) == sorted(SERVICES)
    assert time.monotonic() - started < 60
    for service in SERVICES:
        log = services.log_file(service).read_text()
        assert '"service draining"' in log or "service draining" in log
        assert "service stopped" in log
        assert "Traceback" not in log.split("service draining")[-1]


SECRETS_IN_LOGS = {
    "a bearer token": re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{8,}"),
    "a JWT": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    "a calendar feed token": re.compile(r"/calendars/[a-z0-9-]+/(?!\[redacted\])[A-Za-z0-9_-]{8,}"),
    "an email address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
}


def test_no_service_log_holds_a_bearer_token_a_feed_token_or_an_email_address(platform) -> None:
    """After everything above (the journey made feeds, sent mail and read with tokens of every kind),
    every line every service wrote: what grants access, and whom it names, never reaches a log."""
    config, services = platform
    found = []
    for service in SERVICES:
        for number, line in enumerate(services.log_file(service).read_text().splitlines(), 1):
            found += [
                f"{service}.log:{number}: {what}: {match.group(0)[:24]}…"
                for what, pattern in SECRETS_IN_LOGS.items()
                for match in pattern.finditer(line)
            ]
    assert found == [], "\n".join(found[:20])
