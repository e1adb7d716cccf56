"""Who may touch what, service by service, with tokens of every kind of caller: the participant
themself, another participant on their campus (403) or on a campus they cannot see (404), coordinators
of campus A on campus B, and the admin of another institution (404, and nothing on any list)."""

import uuid
from datetime import UTC, datetime

import pytest

from mentoring_contracts import MatchAccepted, ParticipantSchedule, new_envelope
from mesh_matching.adapters.postgres import PostgresCandidates, PostgresMatchingUnitOfWork
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.bootstrap import DEFINITION as MATCHING
from mesh_matching.domain.candidate import Candidate
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.bootstrap import DEFINITION as NOTIFY
from mesh_notify.domain.notification import Contact
from mesh_profile.bootstrap import DEFINITION as PROFILE
from mesh_runtime.db import Cause
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.schedule_session import schedule_first_session
from mesh_scheduling.bootstrap import DEFINITION as SCHEDULING
from tests.support.factories import joined, mentor_profile, profile
from tests.support.identity import INSTITUTION, as_, as_person
from tests.support.programs import create_programs
from tests.support.services import running

ELSEWHERE = "other-college"


def callers(service: str, owner: str) -> dict[str, dict[str, str]]:
    """Everyone who might ask about a resource of ``owner`` (a participant on campus north)."""
    return {
        "owner": as_person(service, subject=owner),
        "participant, same campus": as_person(service),
        "participant, other campus": as_person(service, campuses=("south",)),
        "coordinator, same campus": as_(service, "coordinator", campuses=("north",)),
        "coordinator, other campus": as_(service, "coordinator", campuses=("south",)),
        "admin": as_(service, "admin", campuses=()),
        "admin of another institution": as_(service, "admin", institution=ELSEWHERE),
        "owner's account in another institution": as_(service, "participant", subject=owner, institution=ELSEWHERE),
    }


async def statuses(client, method: str, path: str, who: dict[str, dict[str, str]], **body) -> dict[str, int]:
    return {name: (await client.request(method, path, headers=headers, **body)).status_code for name, headers in who.items()}


READ_RULE = {
    "owner": 200,
    "participant, same campus": 403,
    "participant, other campus": 404,
    "coordinator, same campus": 200,
    "coordinator, other campus": 404,
    "admin": 200,
    "admin of another institution": 404,
    "owner's account in another institution": 404,
}
CHANGE_RULE = READ_RULE | {"coordinator, same campus": 403}


@pytest.fixture
async def profile_service(endpoints, database_factory):
    async with running(PROFILE, endpoints.kafka_bootstrap, await database_factory(PROFILE)) as service:
        await create_programs(service[1], "first-year-stem", "stem")
        yield service


async def test_profile_who_reads_who_changes_and_who_may_join_where(profile_service) -> None:
    _, client = profile_service
    owner = str(uuid.uuid4())
    body = profile(program_id="first-year-stem").model_dump(mode="json")
    joined = await client.post("/participants", json=body, headers=as_person("profile", subject=owner, email=body["email"]))
    assert joined.status_code == 201, joined.text
    path = f"/participants/{joined.json()['participant_id']}"
    assert await statuses(client, "GET", path, callers("profile", owner)) == READ_RULE
    changes = callers("profile", owner)
    del changes["owner"]  # their change is the one that succeeds, checked below
    assert await statuses(client, "PUT", path + "/profile", changes, json=body) == {
        name: status for name, status in CHANGE_RULE.items() if name != "owner"
    }
    assert (await client.put(path + "/profile", json=body, headers=as_person("profile", subject=owner))).status_code == 200
    moved = await client.put(path + "/profile", json=body | {"campus": "south"}, headers=as_person("profile", subject=owner))
    assert moved.status_code == 403 and "campus 'south' is not one of yours" in moved.json()["detail"]
    elsewhere = await client.post(
        "/participants",
        json=body | {"email": "x@other.example.edu"},
        headers=as_(PROFILE.name, "participant", institution=ELSEWHERE, campuses=("north",), email="x@other.example.edu"),
    )
    assert elsewhere.status_code == 404  # the program id is another institution's
    not_a_person = await client.post(
        "/participants", json=body | {"email": "c@u.example.edu"}, headers=as_("profile", "coordinator", campuses=("north",))
    )
    assert not_a_person.status_code == 403 and "only a participant may join" in not_a_person.json()["detail"]
    off_campus = await client.post(
        "/participants", json=body | {"email": "d@u.example.edu"}, headers=as_person("profile", campuses=("south",))
    )
    assert off_campus.status_code == 403
    # Mail goes where the institution says the person is: not to an address they type in for someone else.
    vouched = as_("profile", "participant", campuses=("north",), email="me@u.example.edu")
    stolen = await client.post("/participants", json=body | {"email": "victim@u.example.edu"}, headers=vouched)
    assert stolen.status_code == 403 and "me@u.example.edu" in stolen.json()["detail"]
    assert (await client.post("/participants", json=body | {"email": "ME@u.example.edu"}, headers=vouched)).status_code == 201
    unverified = as_("profile", "participant", campuses=("north",), email="x@u.example.edu", email_verified=False)
    unvouched = await client.post("/participants", json=body | {"email": "x@u.example.edu"}, headers=unverified)
    assert unvouched.status_code == 403 and "vouches for no email" in unvouched.json()["detail"]  # M7


@pytest.fixture
async def matching(endpoints, database_factory):
    async with running(MATCHING, endpoints.kafka_bootstrap, await database_factory(MATCHING)) as service:
        yield service


async def join(app, subject: str, given, institution: str = INSTITUTION) -> uuid.UUID:
    newcomer = Candidate(uuid.uuid4(), given, subject)
    components = app.state.components
    async with components.database.transaction(institution) as transaction:
        await register_candidate(
            PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=institution)), newcomer
        )
    return newcomer.participant_id


async def test_matching_reads_answers_policies_and_rounds_stay_with_their_people(matching) -> None:
    app, client = matching
    mentor_account, mentee_account = str(uuid.uuid4()), str(uuid.uuid4())
    mentor = await join(app, mentor_account, mentor_profile(program_id="stem", mentor_capacity=1))
    mentee = await join(app, mentee_account, profile(program_id="stem"))
    match_id = (await client.get(f"/participants/{mentee}/matches")).json()[0]["match_id"]
    assert await statuses(client, "GET", f"/matches/{match_id}", callers("matching", mentee_account)) == READ_RULE
    assert await statuses(client, "GET", f"/participants/{mentee}/matches", callers("matching", mentee_account)) == READ_RULE
    # Answers: only one of the pair, only for themself.
    answer = {"participant_id": str(mentee)}
    refused = callers("matching", mentee_account)
    del refused["owner"]
    assert await statuses(client, "POST", f"/matches/{match_id}/accept", refused, json=answer) == {
        name: status for name, status in CHANGE_RULE.items() if name != "owner"
    }
    as_partner = await client.post(
        f"/matches/{match_id}/accept", json={"participant_id": str(mentor)}, headers=as_person("matching", subject=mentee_account)
    )
    assert as_partner.status_code == 403 and "only as yourself" in as_partner.json()["detail"]
    mine = await client.post(f"/matches/{match_id}/accept", json=answer, headers=as_person("matching", subject=mentee_account))
    assert mine.status_code == 200
    assert {m["participant_id"]: m["accepted"] for m in mine.json()["participants"]} == {str(mentee): True, str(mentor): False}
    # A program's policy and rounds: its coordinators of every campus it spans, and admins.
    policy = {"weights": {"goals": 3.0}}
    assert await statuses(
        client,
        "PUT",
        "/programs/stem/policy",
        {
            "coordinator, north": as_("matching", "coordinator", campuses=("north",)),
            "coordinator, south": as_("matching", "coordinator", campuses=("south",)),
            "coordinator of another program": as_("matching", "coordinator", campuses=("north",), programs=["arts"]),
            "participant": as_person("matching", subject=mentee_account),
            "admin of another institution": as_("matching", "admin", institution=ELSEWHERE),
        },
        json=policy,
    ) == {
        "coordinator, north": 200,
        "coordinator, south": 404,
        "coordinator of another program": 403,
        "participant": 403,
        "admin of another institution": 200,
    }
    # The other institution's admin wrote a policy in their own tenant, under the same id: ours is untouched.
    ours = (await client.get("/programs/stem/policy")).json()
    theirs = (await client.get("/programs/stem/policy", headers=as_("matching", "admin", institution=ELSEWHERE))).json()
    assert ours["version"] == theirs["version"] == 1
    assert (await client.get("/programs/stem/policy/versions", headers=as_("matching", "admin", institution=ELSEWHERE))).json()[
        0
    ]["policy"]["weights"]["goals"] == 3.0
    await join(app, str(uuid.uuid4()), profile(program_id="stem", campus="south"))
    north_only = await client.post(
        "/programs/stem/rounds", json={"dry_run": True}, headers=as_("matching", "coordinator", campuses=("north",))
    )
    assert north_only.status_code == 403 and "every campus" in north_only.json()["detail"]
    both = await client.post(
        "/programs/stem/rounds", json={"dry_run": True}, headers=as_("matching", "coordinator", campuses=("north", "south"))
    )
    assert both.status_code == 200, both.text
    # Self-selection shows a participant partners on their own campuses only; others are as unknown.
    seeker_account, seeker, south_peer, north_peer = str(uuid.uuid4()), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    peer = [{"topic": "Linear algebra", "role": "peer"}]
    async with app.state.components.database.transaction(INSTITUTION) as transaction:  # in the pool, none proposed yet
        for pid, campus, account in ((seeker, "north", seeker_account), (south_peer, "south", None), (north_peer, "north", None)):
            await PostgresCandidates(transaction.connection).add(
                Candidate(pid, profile(program_id="stem", campus=campus, topics=peer), account)
            )
    as_seeker = as_person("matching", subject=seeker_account)
    shown = (await client.get(f"/participants/{seeker}/suggestions", headers=as_seeker)).json()
    assert {s["participant_id"] for s in shown} == {str(north_peer)}
    assert str(south_peer) in {s["participant_id"] for s in (await client.get(f"/participants/{seeker}/suggestions")).json()}
    asked = (
        await client.post(
            f"/participants/{seeker}/requests", json={"partner_ids": [str(south_peer), str(uuid.uuid4())]}, headers=as_seeker
        )
    ).json()
    assert [a["refused"] for a in asked] == ["not a participant matching knows"] * 2
    # Another institution's lists hold none of ours.
    assert (
        await client.get(f"/participants/{mentee}/suggestions", headers=as_("matching", "admin", institution=ELSEWHERE))
    ).status_code == 404


@pytest.fixture
async def scheduling(endpoints, database_factory):
    async with running(SCHEDULING, endpoints.kafka_bootstrap, await database_factory(SCHEDULING)) as service:
        yield service


def member(campus: str = "north") -> ParticipantSchedule:
    return ParticipantSchedule.model_validate(
        {
            "participant_id": uuid.uuid4(),
            "role": "peer",
            "campus": campus,
            "time_zone": "Europe/Berlin",
            "weekly_availability": [{"weekday": "mon", "start": "17:00", "end": "20:00"}],
            "meeting_modes": ["online"],
            "preferred_cadence": "weekly",
        }
    )


async def test_scheduling_sessions_are_the_pairs_own(scheduling) -> None:
    app, client = scheduling
    owner, partner = str(uuid.uuid4()), str(uuid.uuid4())
    a, b = member(), member()
    event = MatchAccepted(
        match_id=uuid.uuid4(),
        program_id="stem",
        topic_name="Calculus II",
        kind="peer",
        participants=[a, b],
        accepted_at=datetime.now(UTC),
    )
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        session = await schedule_first_session(
            PostgresSchedulingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION)), event, (owner, partner)
        )
    assert await statuses(client, "GET", f"/sessions/{session.session_id}", callers("scheduling", owner)) == READ_RULE
    listed = {
        name: (await client.get(f"/matches/{event.match_id}/sessions", headers=h))
        for name, h in callers("scheduling", owner).items()
    }
    assert {name: (r.status_code, len(r.json()) if r.status_code == 200 else None) for name, r in listed.items()} == {
        "owner": (200, 1),
        "participant, same campus": (403, None),
        "participant, other campus": (200, 0),
        "coordinator, same campus": (200, 1),
        "coordinator, other campus": (200, 0),
        "admin": (200, 1),
        "admin of another institution": (200, 0),
        "owner's account in another institution": (200, 0),
    }
    reflection = {"participant_id": str(b.participant_id), "progress_rating": 4, "notes": "not mine to write"}
    forged = await client.post(
        f"/sessions/{session.session_id}/complete", json=reflection, headers=as_person("scheduling", subject=owner)
    )
    assert forged.status_code == 403 and "only as yourself" in forged.json()["detail"]
    coordinator = await client.post(
        f"/sessions/{session.session_id}/complete", json=reflection, headers=as_("scheduling", "coordinator", campuses=("north",))
    )
    assert coordinator.status_code == 403
    own = await client.post(
        f"/sessions/{session.session_id}/complete", json=reflection, headers=as_person("scheduling", subject=partner)
    )
    assert own.status_code == 200
    # The partner sees the rating, not the words; the author, the program's coordinator and admins see both.
    words = {
        name: (await client.get(f"/sessions/{session.session_id}", headers=headers)).json()["reflections"][0]
        for name, headers in {
            "author": as_person("scheduling", subject=partner),
            "partner": as_person("scheduling", subject=owner),
            "coordinator": as_("scheduling", "coordinator", campuses=("north",)),
            "admin": as_("scheduling", "admin"),
        }.items()
    }
    assert {name: (r["progress_rating"], r["notes"]) for name, r in words.items()} == {
        "author": (4, "not mine to write"),
        "partner": (4, None),
        "coordinator": (4, "not mine to write"),
        "admin": (4, "not mine to write"),
    }
    listed = (await client.get(f"/matches/{event.match_id}/sessions", headers=as_person("scheduling", subject=owner))).json()
    assert listed[0]["reflections"][0]["notes"] is None


@pytest.fixture
async def notify(endpoints, database_factory):
    async with running(NOTIFY, endpoints.kafka_bootstrap, await database_factory(NOTIFY)) as service:
        yield service


async def test_notifications_are_read_by_their_recipient_and_admins_only(notify) -> None:
    app, client = notify
    owner = str(uuid.uuid4())
    event = joined()
    envelope = new_envelope(event, source="/test", institution=INSTITUTION)
    contact = Contact(event.participant_id, "Ada L.", "ada@u.example.edu", "Europe/Berlin", subject=owner, campus="north")
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        [welcome] = await plan_notifications(
            PostgresNotifyUnitOfWork(transaction, components.source, Cause.of(envelope)), envelope.data, contact
        )
    assert await statuses(client, "GET", f"/notifications/{welcome.notification_id}", callers("notify", owner)) == CHANGE_RULE
    listed = {
        name: (await client.get("/notifications", params={"recipient_id": str(event.participant_id)}, headers=h))
        for name, h in callers("notify", owner).items()
    }
    assert {name: (r.status_code, len(r.json()) if r.status_code == 200 else None) for name, r in listed.items()} == {
        "owner": (200, 1),
        "participant, same campus": (403, None),
        "participant, other campus": (200, 0),
        "coordinator, same campus": (403, None),
        "coordinator, other campus": (200, 0),
        "admin": (200, 1),
        "admin of another institution": (200, 0),
        "owner's account in another institution": (200, 0),
    }
    path = f"/participants/{event.participant_id}/notification-preferences"
    assert await statuses(client, "GET", path, callers("notify", owner)) == CHANGE_RULE
    # only the person sets what they hear: their admin reads it, but may not change it for them
    change = {"json": {"preferences": [{"kind": "nudges", "enabled": False}]}}
    assert await statuses(client, "PUT", path, callers("notify", owner), **change) == CHANGE_RULE | {"admin": 403}
