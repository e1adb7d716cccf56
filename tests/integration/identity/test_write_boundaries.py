"""Campus and institution boundaries hold on every write route, walked from each service's own
OpenAPI document as test_refusals walks it for an anonymous caller, but against REAL resources.

Each service is seeded with what belongs to institution ``test-university`` on campus ``north``:
profile, a north-only program and a participant its roster brought (an external id, an email);
matching, that program, a mentor and a mentee, the match proposed to them and a policy; scheduling,
a formed pair with its first session, a proposed agreement (version 1) and a calendar feed; notify, a
participant's contact, the welcome planned for them and the preferences they set. Then every write
operation (POST, PUT, PATCH, DELETE) whose path names one of them is called with the real ids by
three outsiders: a participant of campus ``south`` of the same institution, a coordinator of campus
``south``, and an admin of ``other-college``. A write route whose path parameter has no seeded
resource fails the walk, so a route added later is walked, or its omission is explained here.

Request bodies come from the operation's own request-body schema, drawn deterministically with
schemathesis' generator (hypothesis-jsonschema is not installed; schemathesis resolves the
document's ``$ref``s itself), with seeded values put into the body fields that name them at any
depth (participant_id, participant_ids, partner_ids, match_id, program_id, external_id, email) and
into the few a schema cannot describe (time_zone, weekly_availability, starts_at). An answer that is
a request-validation 422 (``…:invalid-request``) did not reach the route: the next example is tried;
a route no example reaches fails the walk ("could not reach"). Each example that reaches it is checked:

- the answer is a 403 or a 404: never a 2xx, nor a 409/422 of a business rule (which would say the
  resource exists and what state it is in);
- it is the same as for the same request naming ids nobody has (it tells nothing of ours);
- it carries neither the seeded external id nor email (nor the calendar feed's secret token);
- afterwards the owner's side, read by its admin through the API (the resources, their lists, the
  audit trail) and the outbox, is as it was.

One allowance: a program id is a name inside an institution, not a global id. To the admin of
another institution, ``/programs/first-year-stem/...`` names *their* program of that name, which
they may set up (matching takes a policy, or a round, for a program it has not heard of yet: 200).
For them, on routes whose only path id is a ``program_id``, the answer must be the same as for a
program name nobody uses, and ours unchanged; it may be a 2xx.

Walked (per outsider): profile PUT /programs/{program_id}, POST /programs/{program_id}/close,
POST /programs/{program_id}/roster, PUT /participants/{participant_id}/profile,
POST /participants/{participant_id}/leave, DELETE /participants/{participant_id},
POST /participants/{participant_id}/mentoring/approval; matching POST /matches/{match_id}/accept,
/decline, /end, /nudge, PUT /programs/{program_id}/policy, POST /programs/{program_id}/rounds,
POST /programs/{program_id}/matches, POST /participants/{participant_id}/requests; scheduling POST /sessions/{session_id}/complete,
/reschedule, /reschedule/confirm, /cancel, POST /matches/{match_id}/agreements,
POST /matches/{match_id}/agreements/{version}/confirm, POST and DELETE
/participants/{participant_id}/calendar-feed; notify PUT /participants/{participant_id}/notification-preferences,
POST /notifications/{notification_id}/read and /unread.

Skipped, with no seeded id in the path (each acts on the caller's own new or own resource):

- profile ``POST /programs``: creates a program; its ``program_id`` names the new program, not one
  to act on (a taken name is refused 409 to the institution's staff: ids are unique per institution).
- profile ``POST /participants``: the caller joins as themself (bound to their account, one of their
  campuses, their vouched email); covered by tests/integration/profile.
- profile ``POST /participants/claim``: the caller takes the roster's profile of their own vouched
  email, only on one of their own campuses (tests/integration/profile/test_roster.py).
- profile ``POST /participants/lookup``: platform services only; a person is refused (403) by role.
- profile ``POST /participants/contacts`` and matching ``POST /matches/lookup``: reads, platform services
  only; a person is refused (403) by role (tests/integration/profile/test_bulk_contacts.py,
  tests/integration/matching/test_match_lookup.py).
- notify ``PUT`` and ``DELETE /coordinators/me/digest``: the caller's own digest of their own campuses.
- notify ``POST /notifications/read``: the recipient is named in the body, not the path; the same
  outsiders (and an id nobody has) are refused there by tests/integration/notify/test_inbox_access.py.
"""

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings

from mentoring_contracts import new_envelope
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_notify.domain.notification import Contact
from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.db import Cause
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import joined, mentor_profile, profile
from tests.support.identity import INSTITUTION, as_
from tests.support.pairs import AGREEMENT, formed_pair
from tests.support.programs import create_program, roster_row
from tests.support.services import running

ELSEWHERE = "other-college"
PROGRAM = "first-year-stem"
WRITES = ("post", "put", "patch", "delete")
EXAMPLES = 12  # bodies drawn per route; each one that reaches the route is checked
PER_INSTITUTION = {"program_id"}  # path ids that are names inside an institution, not global ids
NO_LIMITS = {"rate_limit_per_subject_per_minute": 0, "rate_limit_profile_changes_per_hour": 0}  # 0: off


def outsider(kind: str, service: str) -> dict[str, str]:
    """One account per outsider and walk (many requests by the same person), with a vouched email."""
    email = f"{kind.split()[0]}@outside.example.edu"
    if kind == "participant of another campus":
        return as_(service, "participant", campuses=("south",), email=email, affiliation="student")
    if kind == "coordinator of another campus":
        return as_(service, "coordinator", campuses=("south",), email=email)
    assert kind == "admin of another institution", kind
    return as_(service, "admin", institution=ELSEWHERE, email=email)


@dataclass
class Seeded:
    """What a service holds of the owner's side, and how to read it back."""

    path_ids: dict[str, str]  # path parameter -> the seeded resource it names
    body_values: dict[str, Any]  # body field (at any depth) -> the seeded value put there, or one the
    # schema cannot say is valid (a zone of the zone database, a time in the years a session may move to)
    secrets: tuple[str, ...]  # never in an outsider's answer
    reads: list[str] = field(default_factory=list)  # what the owner's admin reads back, before and after

    def unseen(self) -> dict[str, str]:
        """Ids of the same kinds that nobody has, for the twin request (an agreement's version is its pair's)."""
        return {
            name: f"nobody-{uuid.uuid4().hex[:8]}"
            if name in PER_INSTITUTION
            else value
            if name == "version"
            else str(uuid.uuid4())
            for name, value in self.path_ids.items()
        }


async def seed_profile(app: FastAPI, client: httpx.AsyncClient) -> Seeded:
    await create_program(client, PROGRAM, campuses=["north"])
    external_id = f"north-{uuid.uuid4().hex[:8]}"
    imported = await client.post(f"/programs/{PROGRAM}/roster", json={"rows": [roster_row(1, external_id)]})
    assert imported.status_code == 200 and imported.json()["new"] == 1, imported.text
    participant_id = imported.json()["rows"][0]["participant_id"]
    stored = (await client.get(f"/participants/{participant_id}")).json()["profile"]
    email = stored["email"]
    return Seeded(
        {"participant_id": participant_id, "program_id": PROGRAM},
        {
            "participant_id": participant_id,
            "participant_ids": [participant_id],
            "program_id": PROGRAM,
            "external_id": external_id,
            "email": email,
            "time_zone": stored["time_zone"],
            "weekly_availability": stored["weekly_availability"],
        },
        (external_id, email),
        [
            f"/participants/{participant_id}",
            f"/participants/{participant_id}/erasure",
            f"/programs/{PROGRAM}",
            "/programs",
            "/audit",
        ],
    )


async def seed_matching(app: FastAPI, client: httpx.AsyncClient) -> Seeded:
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(campuses=["north"]), datetime.now(UTC)))
    mentor_email, mentee_email = (f"{who}.{uuid.uuid4().hex[:8]}@uni.example.edu" for who in ("mentor", "mentee"))
    mentor = await join(app, mentor_profile(program_id=PROGRAM, mentor_capacity=1, email=mentor_email))
    mentee = await join(app, profile(program_id=PROGRAM, email=mentee_email))
    [match] = (await client.get(f"/participants/{mentee}/matches")).json()
    assert (await client.put(f"/programs/{PROGRAM}/policy", json={"weights": {"goals": 3.0}})).status_code == 200
    preview = await client.post(f"/programs/{PROGRAM}/round-previews", json={})
    assert preview.status_code == 202, preview.text
    return Seeded(
        {
            "match_id": match["match_id"],
            "participant_id": str(mentee),
            "program_id": PROGRAM,
            "preview_id": preview.json()["preview_id"],
        },
        {"participant_id": str(mentee), "partner_ids": [str(mentor)], "match_id": match["match_id"], "program_id": PROGRAM},
        (mentor_email, mentee_email),
        [
            f"/matches/{match['match_id']}",
            f"/participants/{mentee}/matches",
            f"/participants/{mentor}/matches",
            f"/programs/{PROGRAM}/policy/versions",
            "/audit",
        ],
    )


async def seed_scheduling(app: FastAPI, client: httpx.AsyncClient) -> Seeded:
    accepted, tokens = await formed_pair(app)
    a = accepted.participants[0].participant_id
    [session] = (await client.get(f"/matches/{accepted.match_id}/sessions")).json()
    proposed = await client.post(
        f"/matches/{accepted.match_id}/agreements", json=AGREEMENT | {"participant_id": str(a)}, headers=tokens[a]
    )
    assert proposed.status_code == 201, proposed.text
    feed = await client.post(f"/participants/{a}/calendar-feed", headers=tokens[a])
    assert feed.status_code == 200, feed.text
    feed_path = "/" + feed.json()["url"].split("/", 3)[3]
    return Seeded(
        {"session_id": session["session_id"], "match_id": str(accepted.match_id), "participant_id": str(a), "version": "1"},
        {
            "participant_id": str(a),
            "match_id": str(accepted.match_id),
            "starts_at": session["starts_at"],
        },  # a time in the years a session may move to
        (feed_path.rsplit("/", 1)[1].removesuffix(".ics"),),
        [
            f"/sessions/{session['session_id']}",
            f"/matches/{accepted.match_id}/sessions",
            f"/matches/{accepted.match_id}/agreements",
            feed_path,
            "/audit",
        ],
    )


async def seed_notify(app: FastAPI, client: httpx.AsyncClient) -> Seeded:
    owner = f"ada-{uuid.uuid4()}"
    event = joined()
    email = f"ada.{uuid.uuid4().hex[:8]}@uni.example.edu"
    envelope = new_envelope(event, source="/test", institution=INSTITUTION)
    contact = Contact(event.participant_id, "Ada L.", email, "Europe/Berlin", subject=owner, campus="north")
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        [welcome] = await plan_notifications(
            PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope)), envelope.data, contact
        )
    path = f"/participants/{event.participant_id}/notification-preferences"
    mine = await client.put(
        path,
        json={"preferences": [{"kind": "nudges", "enabled": False}]},
        headers=as_("notify", "participant", subject=owner, campuses=("north",)),
    )
    assert mine.status_code == 200, mine.text
    return Seeded(
        {"participant_id": str(event.participant_id), "notification_id": str(welcome.notification_id)},
        {"participant_id": str(event.participant_id)},
        (email,),
        [path, "/audit"],
    )  # not its notifications: their delivery goes on meanwhile


SEEDS: dict[str, Callable[[FastAPI, httpx.AsyncClient], Awaitable[Seeded]]] = {
    "profile": seed_profile,
    "matching": seed_matching,
    "scheduling": seed_scheduling,
    "notify": seed_notify,
}


@pytest.fixture(params=[PROFILE, MATCHING, SCHEDULING, NOTIFY], ids=lambda d: d.name)
async def seeded(request, endpoints, database_factory):
    async with running(request.param, endpoints.kafka_bootstrap, await database_factory(), **NO_LIMITS) as (app, client):
        yield request.param.name, app, client, await SEEDS[request.param.name](app, client)


async def owners_view(app: FastAPI, client: httpx.AsyncClient, seeded: Seeded) -> dict[str, Any]:
    """Everything the owner's side holds, as its admin reads it (the client's default token), and the outbox."""
    view: dict[str, Any] = {}
    for path in seeded.reads:
        response = await client.get(path)
        if path == "/audit":  # less the reads of this view itself
            view[path] = [entry for entry in response.json() if entry["action"] != "personal_data.read"]
        elif "json" in response.headers.get("Content-Type", ""):
            view[path] = (response.status_code, response.json())
        else:  # the calendar feed: whether its URL still works (its stamps are of each reading)
            view[path] = response.status_code
    view["outbox"] = [
        row["event_id"] for row in await app.state.components.database.pool.fetch("SELECT event_id FROM mesh_outbox ORDER BY id")
    ]
    return view


def bodies(schema: Any, path: str, method: str, operation: dict[str, Any], seeded: Seeded) -> list[Any]:
    """Examples of the operation's request body, drawn from its schema, with the seeded ids put in."""
    if "requestBody" not in operation:
        return [None]
    drawn: list[Any] = []
    strategy = schema[path][method.upper()].as_strategy(path_parameters=seeded.path_ids)

    @settings(
        max_examples=EXAMPLES,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(case) -> None:
        drawn.append(case.body)

    draw()
    return [inject(body, seeded.body_values) for body in drawn]


def inject(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: ids[key] if key in ids else inject(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [inject(item, ids) for item in value]
    return value


def not_reached(response: httpx.Response) -> bool:
    """A request-validation 422: the route itself never ran."""
    return response.status_code == 422 and str(response.json().get("type", "")).endswith("invalid-request")


async def send(client: httpx.AsyncClient, method: str, url: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    if body is None:
        return await client.request(method.upper(), url, headers=headers)
    return await client.request(
        method.upper(), url, content=json.dumps(body).encode(), headers=headers | {"Content-Type": "application/json"}
    )


async def walk(service: str, app: FastAPI, client: httpx.AsyncClient, seeded: Seeded, who: str) -> list[str]:
    document = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    headers = outsider(who, service)
    before = await owners_view(app, client, seeded)
    walked, findings = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if method not in WRITES or not names:
                continue  # reads; and routes on the caller's own (see the module's docstring)
            route = f"{method.upper()} {path}"
            assert set(names) <= set(seeded.path_ids), f"{route}: seed a resource for {names} in seed_{service}"
            own_namespace = who == "admin of another institution" and set(names) <= PER_INSTITUTION
            url, twin = path.format(**seeded.path_ids), path.format(**seeded.unseen())
            reached = 0
            for body in bodies(schema, path, method, operation, seeded):
                response = await send(client, method, url, body, headers)
                if not_reached(response):
                    continue
                reached += 1
                unseen = await send(client, method, twin, body, headers)
                what = f"{who}: {route} answered {response.status_code} {response.text[:300]}"
                if not own_namespace and response.status_code not in (403, 404):
                    findings.append(f"{what} (not a refusal)")
                if response.status_code != unseen.status_code:
                    findings.append(f"{what}, but {unseen.status_code} for an id nobody has (it tells ours exists)")
                findings += [
                    f"{what} (shows {secret!r})" for secret in seeded.secrets if secret.casefold() in response.text.casefold()
                ]
            assert reached, f"{who}: could not reach {route}: every example drawn was refused as an invalid request"
            walked.append(route)
    assert not findings, "\n".join(findings)
    assert await owners_view(app, client, seeded) == before, f"{who} changed something of the owner's"
    return walked


EXPECTED = {  # every write route that names a seeded resource: a route added later is walked by itself
    "profile": 7,
    "matching": 10,
    "scheduling": 8,
    "notify": 3,
}


async def test_every_write_route_refuses_a_participant_of_another_campus(seeded) -> None:
    service, app, client, resources = seeded
    assert len(await walk(service, app, client, resources, "participant of another campus")) >= EXPECTED[service]


async def test_every_write_route_refuses_a_coordinator_of_another_campus(seeded) -> None:
    service, app, client, resources = seeded
    assert len(await walk(service, app, client, resources, "coordinator of another campus")) >= EXPECTED[service]


async def test_every_write_route_refuses_an_admin_of_another_institution(seeded) -> None:
    service, app, client, resources = seeded
    assert len(await walk(service, app, client, resources, "admin of another institution")) >= EXPECTED[service]
