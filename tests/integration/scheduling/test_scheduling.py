"""Scheduling on a real database: first session from MatchAccepted, completion, the next session."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import MatchAccepted, ParticipantSchedule
from mesh_runtime.db import Cause
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.schedule_session import schedule_first_session
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, outbox_types


def member(**overrides) -> ParticipantSchedule:
    return ParticipantSchedule.model_validate(
        {
            "participant_id": uuid.uuid4(),
            "role": "peer",
            "campus": "north",
            "time_zone": "Europe/Berlin",
            "weekly_availability": [{"weekday": day, "start": "17:00", "end": "20:00"} for day in ("mon", "wed")],
            "meeting_modes": ["online"],
            "preferred_cadence": "weekly",
        }
        | overrides
    )


def accepted(*members: ParticipantSchedule) -> MatchAccepted:
    return MatchAccepted(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="peer",
        participants=list(members),
        accepted_at=datetime.now(UTC),
    )


async def handle(app, event: MatchAccepted):
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        return await schedule_first_session(
            PostgresSchedulingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION)), event
        )


async def test_a_formed_pair_gets_a_first_session_and_completing_it_schedules_the_next(scheduling) -> None:
    app, client = scheduling
    a, b = member(), member(time_zone="Europe/London")
    event = accepted(a, b)
    first = await handle(app, event)
    assert first is not None
    assert await handle(app, event) is None  # MatchAccepted seen twice schedules once
    sessions = (await client.get(f"/matches/{event.match_id}/sessions")).json()
    assert [s["sequence"] for s in sessions] == [1]
    reflection = {"participant_id": str(b.participant_id), "progress_rating": 5, "notes": "Agreed on goals."}
    done = await client.post(f"/sessions/{first.session_id}/complete", json=reflection)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["reflections"][0]["progress_rating"] == 5
    sessions = (await client.get(f"/matches/{event.match_id}/sessions")).json()
    assert [s["sequence"] for s in sessions] == [1, 2]
    assert (datetime.fromisoformat(sessions[1]["starts_at"]) - datetime.fromisoformat(sessions[0]["starts_at"])).days >= 7
    assert await outbox_types(app) == ["SessionScheduled", "SessionCompleted", "SessionScheduled"]
    twice = await client.post(f"/sessions/{first.session_id}/complete", json=reflection)
    assert twice.status_code == 409


async def test_completing_needs_a_participant_and_a_valid_reflection(scheduling) -> None:
    app, client = scheduling
    first = await handle(app, accepted(member(), member()))
    outsider = {"participant_id": str(uuid.uuid4()), "progress_rating": 3, "notes": "?"}
    assert (await client.post(f"/sessions/{first.session_id}/complete", json=outsider)).status_code == 403
    bad = {"participant_id": str(first.participant_ids[0]), "progress_rating": 9, "notes": ""}
    response = await client.post(f"/sessions/{first.session_id}/complete", json=bad)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json" and problem["type"].endswith("invalid-request")
    assert {item["location"].rsplit(".", 1)[-1] for item in problem["errors"]} == {"progress_rating", "notes"}
    assert "body.progress_rating" in problem["detail"]  # the words say where, too


async def test_a_pair_without_shared_time_is_flagged_not_scheduled(scheduling) -> None:
    app, _ = scheduling
    event = accepted(member(), member(weekly_availability=[{"weekday": "sun", "start": "08:00", "end": "09:00"}]))
    assert await handle(app, event) is None
    reason = await in_tenant(app.state.components.database).fetchval(
        "SELECT unschedulable_reason FROM pairs WHERE match_id = $1", event.match_id
    )
    assert "no shared hour" in reason
    assert await outbox_types(app) == []


async def test_an_ended_match_cancels_its_upcoming_sessions_and_gets_no_new_ones(scheduling) -> None:
    from mentoring_contracts import MatchEnded
    from mesh_scheduling.application.end_pair import end_pair

    app, client = scheduling
    a, b = member(), member()
    event = accepted(a, b)
    first = await handle(app, event)
    components = app.state.components
    ended = MatchEnded(
        match_id=event.match_id,
        program_id="p",
        participant_ids=[a.participant_id, b.participant_id],
        outcome="ended_early",
        ended_by=a.participant_id,
        ended_at=datetime.now(UTC),
    )
    async with components.database.transaction(INSTITUTION) as transaction:
        assert (
            await end_pair(PostgresSchedulingUnitOfWork(transaction, components.source, Cause(institution=INSTITUTION)), ended)
            == 1
        )
    session = (await client.get(f"/sessions/{first.session_id}")).json()
    assert session["status"] == "cancelled"
    reflection = {"participant_id": str(a.participant_id), "progress_rating": 3, "notes": "too late"}
    assert (await client.post(f"/sessions/{first.session_id}/complete", json=reflection)).status_code == 409
    assert await outbox_types(app) == ["SessionScheduled", "SessionCancelled"]
