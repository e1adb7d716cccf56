"""A coordinator's own hand in pairs, on a real database: proposing two people by hand (a dry run shows the
pair as the program's policy scores it; for real it is a proposal like any other, announced as
MatchArranged), each hard refusal by its kind, who may, capacity that holds with two replicas at once;
and nudging a formed pair, once a day."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from mentoring_contracts import ParticipantErased, ProgramClosed, ProgramDefinition
from mesh_matching.adapters.events import on_participant_erased
from mesh_matching.application.follow_programs import close_program, follow_program
from mesh_matching.application.places import withdraw
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.bootstrap import DEFINITION
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import MatchingPolicy, reference_week, score_pair
from tests.integration.matching.support import in_transaction
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_
from tests.support.services import all_published, in_tenant, outbox_data, outbox_types, running

PROGRAM = "first-year-stem"
PROBLEM = "urn:mentoringmesh:problem:"


@pytest.fixture
async def database(database_factory):
    return await database_factory()


@pytest.fixture
async def matching(endpoints, database):
    async with running(DEFINITION, endpoints.kafka_bootstrap, database) as service:
        await in_transaction(service[0], lambda uow: follow_program(uow, PROGRAM, definition(), datetime.now(UTC)))
        yield service


def definition(**overrides) -> ProgramDefinition:
    """Participants choose their partners themselves: matching proposes nobody on joining, so every
    pair here is the coordinator's."""
    return ProgramDefinition.model_validate(
        {
            "name": "STEM",
            "setting": "academic",
            "campuses": ["north", "south"],
            "matching_mode": "mentor_mentee",
            "matchmaking": "self_selection",
            **overrides,
        }
    )


async def join(app, given) -> Candidate:
    newcomer = Candidate(uuid.uuid4(), given, subject=f"person-{uuid.uuid4()}")
    await in_transaction(app, lambda uow: register_candidate(uow, newcomer))
    return newcomer


def coordinator(*campuses: str, **claims) -> dict[str, str]:
    return as_("matching", "coordinator", campuses=campuses, **claims)


async def propose(client, *people: Candidate, dry_run: bool = False, headers=None, **body):
    return await client.post(
        f"/programs/{PROGRAM}/matches",
        headers=headers,
        json={"participant_ids": [str(p.participant_id) for p in people], "dry_run": dry_run, **body},
    )


def refused(response, kind: str) -> dict:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM + kind, response.json()
    return response.json()


async def audit_actions(app) -> list[str]:
    """What staff did (their reads of people's data aside)."""
    rows = await in_tenant(app.state.components.database).fetch(
        "SELECT action FROM mesh_audit WHERE action <> 'personal_data.read' ORDER BY audit_id"
    )
    return [row["action"] for row in rows]


async def test_a_dry_run_shows_the_pair_as_the_policy_scores_it_and_proposes_nothing(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile()), await join(app, profile())
    shown = await propose(client, mentee, mentor, dry_run=True, headers=coordinator("north"))
    assert shown.status_code == 200, shown.text
    view = shown.json()
    expected = score_pair(mentee, mentor, MatchingPolicy(), reference_week(app.state.components.clock.now()))
    assert view["dry_run"] is True and view["match_id"] is None and view["program_id"] == PROGRAM
    assert [(p["participant_id"], p["display_name"], p["role"], p["campus"]) for p in view["participants"]] == [
        (str(mentee.participant_id), "Ada L.", "mentee", "north"),
        (str(mentor.participant_id), "Ben M.", "mentor", "north"),
    ]
    assert (view["topic"], view["kind"], view["score"]) == ("Calculus II", "mentor_mentee", expected.score)
    assert view["parts"] == [part.model_dump() for part in expected.parts]
    assert view["reasons"] == list(expected.reasons)  # in full: the coordinator's view, as a match shows it
    assert view["warnings"] == [] and view["policy_eligible"] is True and view["policy_version"] == 0
    assert await outbox_types(app) == []
    assert await in_tenant(app.state.components.database).fetchval("SELECT count(*) FROM matches") == 0
    assert await audit_actions(app) == ["match.propose_by_hand.preview"]


async def test_a_proposal_by_hand_is_a_proposal_like_any_other_announced_as_arranged(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile(mentor_capacity=1)), await join(app, profile())
    note = "You both took Calculus I with Prof. Ito.\nMeet before the midterm!"
    made = await propose(client, mentor, mentee, headers=coordinator("north"), note=note)
    assert made.status_code == 201, made.text
    match_id = made.json()["match_id"]
    assert made.json()["dry_run"] is False and made.json()["expires_at"]

    [event] = await outbox_data(app, "MatchArranged")
    assert event["match_id"] == match_id and event["arranged_by"] == "coordinator" and event["with_note"] is True
    assert event["overridden"] == [] and event["score"] == made.json()["score"]
    assert [(p["participant_id"], p["role"]) for p in event["participants"]] == [
        (str(mentor.participant_id), "mentor"),
        (str(mentee.participant_id), "mentee"),
    ]
    assert "Ito" not in str(await app.state.components.database.pool.fetch("SELECT value FROM mesh_outbox"))

    match = (await client.get(f"/matches/{match_id}")).json()
    assert (match["status"], match["arranged"], match["note"]) == ("proposed", True, note)
    assert match["reasons"] == made.json()["reasons"]
    used = await in_tenant(app.state.components.database).fetch(
        "SELECT used FROM candidates WHERE participant_id = ANY($1::uuid[])", [mentor.participant_id, mentee.participant_id]
    )
    assert [row["used"] for row in used] == [1, 1]  # both places held, as any proposal of matching's
    health = (await client.get(f"/programs/{PROGRAM}/health")).json()
    assert health["all_campuses"]["proposed"] == 1 and health["all_campuses"]["waiting"] == 0

    for person in (mentor, mentee):  # the existing answers; everything downstream as for any proposal
        assert (
            await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(person.participant_id)})
        ).status_code == 200
    assert await outbox_types(app) == ["MatchArranged", "MatchAccepted"]
    assert (await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"]["matched"] == 1
    assert await audit_actions(app) == ["match.propose_by_hand", "match.accept", "match.accept"]
    await all_published(app)


async def test_a_coordinator_knowingly_overrides_what_matching_would_never_propose(matching) -> None:
    app, client = matching
    mentor = await join(
        app,
        mentor_profile(
            languages=["fr"],
            topics=[{"topic": "Physics", "role": "mentor"}],
            weekly_availability=[{"weekday": "tue", "start": "08:00", "end": "09:00"}],
        ),
    )
    mentee = await join(app, profile())
    shown = (await propose(client, mentor, mentee, dry_run=True)).json()
    warnings = {w["code"]: w["policy_rule"] for w in shown["warnings"]}
    assert warnings == {
        "no-shared-language": True,
        "no-shared-topic": True,
        "too-little-shared-time": True,
        "no-shared-availability": False,
    }
    assert shown["policy_eligible"] is False and shown["topic"] == "Calculus II"
    assert [p["role"] for p in shown["participants"]] == ["mentor", "mentee"]
    made = await propose(client, mentor, mentee)
    assert made.status_code == 201 and made.json()["warnings"] == shown["warnings"]
    [event] = await outbox_data(app, "MatchArranged")
    assert event["overridden"] == ["no-shared-language", "no-shared-topic", "too-little-shared-time"]
    assert event["arranged_by"] == "admin" and event["with_note"] is False


async def test_every_hard_refusal_says_its_kind_and_changes_nothing(matching) -> None:
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=1))
    mentee, other_mentee = await join(app, profile()), await join(app, profile(display_name="Cleo"))
    refused(await propose(client, mentee, mentee), "same-person")
    refused(await propose(client, mentee, other_mentee), "roles-do-not-fit")
    elsewhere = await join(app, mentor_profile(program_id="arts-peers"))
    body = refused(await propose(client, elsewhere, mentee), "not-an-active-participant")
    assert body["participant_id"] == str(elsewhere.participant_id)
    leaver = await join(app, mentor_profile(display_name="Lee"))
    await in_transaction(app, lambda uow: withdraw(uow, leaver.participant_id, PROGRAM, "left", uow.clock.now()))
    refused(await propose(client, leaver, mentee), "not-an-active-participant")

    first = await propose(client, mentor, mentee)
    assert first.status_code == 201
    refused(await propose(client, mentor, other_mentee), "no-room")  # the mentor's one place is held
    second_mentor = await join(app, mentor_profile(display_name="Dora"))
    body = refused(await propose(client, second_mentor, mentee, dry_run=True), "already-matched")
    assert "already has an open match as mentee" in body["detail"]
    declined = await client.post(
        f"/matches/{first.json()['match_id']}/decline", json={"participant_id": str(mentee.participant_id)}
    )
    assert declined.status_code == 200
    body = refused(await propose(client, mentor, mentee), "pair-excluded")
    assert (body["match_id"], body["match_status"]) == (first.json()["match_id"], "declined")
    assert (await propose(client, second_mentor, mentee)).status_code == 201  # the freed place, to someone else

    closed = ProgramClosed(program_id=PROGRAM, reason="end of the year", closed_at=datetime.now(UTC))
    await in_transaction(app, lambda uow: close_program(uow, closed))
    refused(await propose(client, mentor, other_mentee, dry_run=True), "program-closed")
    assert await outbox_types(app) == ["MatchArranged", "MatchDeclined", "MatchArranged", "MatchExpired"]


async def test_a_retried_proposal_answers_the_proposal_it_made_and_makes_no_other(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile()), await join(app, profile())
    first, again = await propose(client, mentor, mentee), await propose(client, mentor, mentee)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["match_id"] == first.json()["match_id"] and again.json()["replayed"] is True
    assert await outbox_types(app) == ["MatchArranged"]
    assert await audit_actions(app) == ["match.propose_by_hand"]
    refused(await propose(client, mentor, mentee, dry_run=True), "pair-excluded")  # a preview says it is taken


async def test_only_admins_and_coordinators_of_both_peoples_campuses_may_propose(matching) -> None:
    app, client = matching
    north_mentor, north_mentee = await join(app, mentor_profile()), await join(app, profile())
    south_mentee = await join(app, profile(campus="south", display_name="Sam"))
    assert (await propose(client, north_mentor, north_mentee, dry_run=True, headers=coordinator("north"))).status_code == 200
    both = coordinator("north", "south")
    assert (await propose(client, north_mentor, south_mentee, dry_run=True, headers=both)).status_code == 200
    for campus in ("north", "south"):  # a coordinator of one campus does not see the other's people
        answer = await propose(client, north_mentor, south_mentee, dry_run=True, headers=coordinator(campus))
        assert answer.status_code == 404, (campus, answer.text)
    other_program = coordinator("north", programs=["arts-peers"])
    assert (await propose(client, north_mentor, north_mentee, dry_run=True, headers=other_program)).status_code == 403
    elsewhere = as_("matching", "admin", institution="other-college")
    assert (await propose(client, north_mentor, north_mentee, dry_run=True, headers=elsewhere)).status_code == 404
    person = as_("matching", "participant", subject=north_mentee.subject, campuses=("north",))
    answer = await propose(client, north_mentor, north_mentee, headers=person)
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("application/problem+json")
    also_a_mentee = as_("matching", "coordinator", subject=north_mentee.subject, campuses=("north",))
    assert (await propose(client, north_mentor, north_mentee, headers=also_a_mentee)).status_code == 403
    nobody = Candidate(uuid.uuid4(), profile())
    assert (await propose(client, north_mentor, nobody, dry_run=True)).status_code == 404
    assert (
        await client.post(
            "/programs/no-such-program/matches",
            json={"participant_ids": [str(north_mentor.participant_id), str(north_mentee.participant_id)]},
        )
    ).status_code == 404
    assert (await propose(client, north_mentor, north_mentee, dry_run=0)).status_code == 422  # strictly true or false
    assert (await propose(client, north_mentor, north_mentee, note="x" * 501)).status_code == 422
    assert await outbox_types(app) == []


async def test_two_replicas_proposing_at_once_never_exceed_anyones_capacity(endpoints, database, matching) -> None:
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=1))  # one place
    mentees = [await join(app, profile(display_name=f"Mentee {i}")) for i in range(2)]
    async with running(DEFINITION, endpoints.kafka_bootstrap, database) as (_, other_replica):
        answers = await asyncio.gather(propose(client, mentor, mentees[0]), propose(other_replica, mentor, mentees[1]))
        assert sorted(a.status_code for a in answers) == [201, 409]
        refused(next(a for a in answers if a.status_code == 409), "no-room")
        # one pair, asked twice at once (a double click reaching two replicas): one proposal
        pair = [await join(app, mentor_profile(display_name="Pat")), await join(app, profile(display_name="Quinn"))]
        twice = await asyncio.gather(propose(client, *pair), propose(other_replica, *pair))
        assert sorted(a.status_code for a in twice) == [200, 201]
        assert twice[0].json()["match_id"] == twice[1].json()["match_id"]
    tenant = in_tenant(app.state.components.database)
    assert await tenant.fetchval("SELECT used FROM candidates WHERE participant_id = $1", mentor.participant_id) == 1
    assert await tenant.fetchval("SELECT count(*) FROM matches") == 2
    assert await outbox_types(app) == ["MatchArranged", "MatchArranged"]


async def formed_pair(client, app, **mentee_profile) -> tuple[str, Candidate, Candidate]:
    mentor, mentee = await join(app, mentor_profile()), await join(app, profile(**mentee_profile))
    match_id = (await propose(client, mentor, mentee)).json()["match_id"]
    for person in (mentor, mentee):
        await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(person.participant_id)})
    return match_id, mentor, mentee


async def test_a_formed_pair_is_nudged_at_most_once_a_day(matching) -> None:
    app, client = matching
    match_id, mentor, mentee = await formed_pair(client, app)
    nudged = await client.post(
        f"/matches/{match_id}/nudge", json={"message": "How is it going?\nTell me!"}, headers=coordinator("north")
    )
    assert nudged.status_code == 201, nudged.text
    first = nudged.json()
    assert (first["message"], first["nudged_by"], first["dormant"]) == ("How is it going?\nTell me!", "coordinator", False)
    [event] = await outbox_data(app, "MatchNudged")
    assert event == {
        "match_id": match_id,
        "program_id": PROGRAM,
        "nudge_id": first["nudge_id"],
        "participant_ids": [str(mentor.participant_id), str(mentee.participant_id)],
        "nudged_by": "coordinator",
        "with_message": True,
        "dormant": False,
        "nudged_at": event["nudged_at"],
    }

    again = await client.post(f"/matches/{match_id}/nudge", json={})
    body = refused(again, "nudged-recently")
    assert body["next_allowed_at"] == first["next_allowed_at"] and int(again.headers["Retry-After"]) > 23 * 3600
    person = as_("matching", "participant", subject=mentee.subject, campuses=("north",))
    listed = await client.get(f"/matches/{match_id}/nudges", headers=person)  # the pair read what was said to them
    assert [n["nudge_id"] for n in listed.json()] == [first["nudge_id"]]
    assert (await client.get(f"/matches/{match_id}/nudges/{first['nudge_id']}")).json()["message"] == first["message"]

    tenant = in_tenant(app.state.components.database)
    await tenant.execute("UPDATE pair_nudges SET nudged_at = nudged_at - interval '24 hours'")  # a day later
    await tenant.execute(
        "UPDATE matches SET stalled_at = now(), stalled_activity_at = now() - interval '30 days', "
        "stall_ends_at = now() + interval '14 days' WHERE match_id = $1",
        uuid.UUID(match_id),
    )
    later = await client.post(f"/matches/{match_id}/nudge", json={})  # no message
    assert later.status_code == 201 and later.json()["message"] is None and later.json()["dormant"] is True
    assert [e["with_message"] for e in await outbox_data(app, "MatchNudged")] == [True, False]
    assert (await audit_actions(app))[-2:] == ["match.nudge", "match.nudge"]
    await all_published(app)


async def test_two_nudges_at_once_send_one(matching) -> None:
    app, client = matching
    match_id, _, _ = await formed_pair(client, app)
    answers = await asyncio.gather(*(client.post(f"/matches/{match_id}/nudge", json={}) for _ in range(3)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409]
    assert len(await outbox_data(app, "MatchNudged")) == 1


async def test_only_a_formed_pair_is_nudged_and_only_by_its_campuses_coordinators_or_an_admin(matching) -> None:
    app, client = matching
    mentor, mentee = await join(app, mentor_profile()), await join(app, profile())
    proposed = (await propose(client, mentor, mentee)).json()["match_id"]
    assert refused(await client.post(f"/matches/{proposed}/nudge", json={}), "pair-not-formed")["match_status"] == "proposed"
    match_id, mentor, mentee = await formed_pair(client, app, campus="south", display_name="Sam")
    for headers, expected in (
        (coordinator("north"), 403),
        (coordinator("south"), 403),  # half the pair's campuses
        (coordinator("east"), 404),
        (as_("matching", "admin", institution="other-college"), 404),
        (as_("matching", "participant", subject=mentee.subject, campuses=("south",)), 403),
    ):
        answer = await client.post(f"/matches/{match_id}/nudge", json={}, headers=headers)
        assert answer.status_code == expected, (headers, answer.text)
    assert (await client.post(f"/matches/{match_id}/nudge", json={}, headers=coordinator("north", "south"))).status_code == 201
    ended = await client.post(
        f"/matches/{match_id}/end", json={"participant_id": str(mentee.participant_id), "outcome": "completed"}
    )
    assert ended.status_code == 200
    refused(await client.post(f"/matches/{match_id}/nudge", json={}), "pair-ended")
    assert (await client.post(f"/matches/{uuid.uuid4()}/nudge", json={})).status_code == 404
    assert (await client.post(f"/matches/{match_id}/nudge", json={"message": "x" * 501})).status_code == 422


async def test_an_erasure_takes_the_coordinators_words_to_the_pair_with_it(matching) -> None:
    app, client = matching
    match_id, mentor, mentee = await formed_pair(client, app)
    await in_tenant(app.state.components.database).execute(
        "UPDATE matches SET note = 'For Ada and Ben' WHERE match_id = $1", uuid.UUID(match_id)
    )
    nudge = (await client.post(f"/matches/{match_id}/nudge", json={"message": "Ada, Ben: meet!"})).json()
    erased = ParticipantErased(participant_id=mentee.participant_id, erased_at=datetime.now(UTC))
    await in_transaction(app, lambda uow: on_participant_erased(uow, erased))
    assert (await client.get(f"/matches/{match_id}")).json()["note"] is None
    assert (await client.get(f"/matches/{match_id}/nudges/{nudge['nudge_id']}")).json()["message"] is None


async def test_no_event_leaves_a_coordinators_words_in_flight(matching) -> None:
    """What a coordinator wrote stays in matching: the outbox (Kafka's copy) holds no note and no message."""
    app, client = matching
    match_id, _, _ = await formed_pair(client, app)
    await client.post(f"/matches/{match_id}/nudge", json={"message": "a very particular sentence"})
    values = [bytes(row["value"]) for row in await app.state.components.database.pool.fetch("SELECT value FROM mesh_outbox")]
    assert values and not any(b"particular" in value for value in values)


async def test_a_coordinator_of_both_campuses_ends_a_pair_early_with_a_reason(matching) -> None:
    app, client = matching
    match_id, mentor, mentee = await formed_pair(client, app, campus="south", display_name="Sam")
    body = {"participant_id": str(mentee.participant_id), "outcome": "ended_early", "reason": "they stopped meeting"}
    for headers, expected in (
        (coordinator("north"), 403),
        (coordinator("east"), 404),
        (as_("matching", "admin", institution="other-college"), 404),
    ):
        answer = await client.post(f"/matches/{match_id}/end", json=body, headers=headers)
        assert answer.status_code == expected, (headers, answer.text)
    both = coordinator("north", "south")
    unexplained = await client.post(f"/matches/{match_id}/end", json=body | {"reason": None}, headers=both)
    assert unexplained.status_code == 422 and unexplained.json()["type"].endswith(":reason-required"), unexplained.text
    stranger = body | {"participant_id": str(uuid.uuid4())}
    assert (await client.post(f"/matches/{match_id}/end", json=stranger, headers=both)).status_code == 403
    ended = await client.post(f"/matches/{match_id}/end", json=body, headers=both)
    assert ended.status_code == 200 and ended.json()["status"] == "ended", ended.text
    assert "match.end" in await audit_actions(app)
    assert (await outbox_types(app))[-1] == "MatchEnded"
