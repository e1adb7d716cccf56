"""Program health on a real database: each figure against the events that produced it, per campus and overall."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import (
    ParticipantErased,
    ParticipantLeft,
    ProgressRating,
    SessionCancelled,
    SessionCompleted,
    SessionScheduled,
)
from mentoring_contracts.topics import MATCHES
from mesh_matching.adapters.events import on_participant_erased
from mesh_matching.application.follow_participants import withdraw_participant
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.follow_sessions import follow_session
from mesh_matching.application.watch_dormant_pairs import watch_dormant_pairs
from tests.integration.matching.health_support import counts_match_the_rows
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_
from tests.support.services import in_tenant, outbox_types

NOW = datetime.now(UTC)
# The tests run the sweeps themselves: the background ones must not race them.
SWEPT_BY_HAND = ("dormant-pairs",)


async def accept(client, match_id: str, *people) -> None:
    for person in people:
        assert (await client.post(f"/matches/{match_id}/accept", json={"participant_id": str(person)})).status_code == 200


def session(kind, match: dict, **fields):
    base = {
        "session_id": fields.pop("session_id", uuid.uuid4()),
        "match_id": match["match_id"],
        "program_id": "first-year-stem",
        "participant_ids": [p["participant_id"] for p in match["participants"]],
    }
    return kind.model_validate(base | fields)


async def test_health_counts_what_the_events_say_per_campus_and_once_overall(matching) -> None:
    app, client = matching
    await in_transaction(app, lambda uow: follow_program(uow, "first-year-stem", definition(), NOW))
    mentor = await join(app, mentor_profile(mentor_capacity=2, campus="north"))
    north = await join(app, profile(campus="north"))
    south = await join(app, profile(campus="south"))
    await join(app, profile(campus="south"))  # waits: the mentor's two places are taken
    await join(app, profile(campus="north", topics=[{"topic": "Chess", "role": "peer"}]))  # waits: no other peer
    matches = {str(pid): (await client.get(f"/participants/{pid}/matches")).json()[0] for pid in (north, south)}
    formed, crossing = matches[str(north)], matches[str(south)]
    await accept(client, formed["match_id"], mentor, north)
    await accept(client, crossing["match_id"], mentor, south)

    done = session(
        SessionScheduled,
        formed,
        sequence=1,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW - timedelta(days=2) + timedelta(hours=1),
        meeting_mode="online",
        cadence="weekly",
    )
    await in_transaction(
        app,
        lambda uow: follow_session(
            uow,
            session(
                SessionCompleted,
                formed,
                session_id=done.session_id,
                completed_at=NOW - timedelta(days=1),
                reflections=[
                    ProgressRating(participant_id=north, progress_rating=4),
                    ProgressRating(participant_id=mentor, progress_rating=2),
                ],
            ),
        ),
    )
    await in_transaction(app, lambda uow: follow_session(uow, done))  # its scheduling arrives after the completion
    missed = session(
        SessionScheduled,
        formed,
        sequence=2,
        starts_at=NOW - timedelta(hours=3),
        ends_at=NOW - timedelta(hours=2),
        meeting_mode="online",
        cadence="weekly",
    )
    await in_transaction(app, lambda uow: follow_session(uow, missed))
    await in_transaction(
        app,
        lambda uow: follow_session(uow, session(SessionCancelled, crossing, starts_at=NOW + timedelta(days=3), cancelled_at=NOW)),
    )
    # the crossing pair formed 40 days ago and never met: found dormant by the program's 30 days
    await in_tenant(app.state.components.database).execute(
        "UPDATE matches SET formed_at = $2 WHERE match_id = $1", uuid.UUID(crossing["match_id"]), NOW - timedelta(days=40)
    )
    assert (await in_transaction(app, lambda uow: watch_dormant_pairs(uow, "first-year-stem"), at=NOW)).found_dormant == 1

    report = (await client.get("/programs/first-year-stem/health")).json()
    overall = report["all_campuses"]
    proposals = (await outbox_types(app, MATCHES.name)).count("MatchProposed")
    assert overall["proposed"] + overall["matched"] == proposals == 2
    assert (overall["joined"], overall["waiting"], overall["matched"]) == (5, 2, 2)
    assert (overall["active_pairs"], overall["dormant_pairs"]) == (1, 1)
    assert overall["sessions_completed"] == 1 and overall["average_rating"] == 3.0
    assert overall["reflected_share"] == 0.5  # of the two sessions due (the cancelled one is not), one was reflected on
    assert overall["sessions_per_week"] == 0.25
    assert overall["hours_to_first_proposal"] is not None and overall["hours_to_first_session"] is not None
    by_campus = {row["campus"]: row for row in report["campuses"]}
    assert (by_campus["north"]["joined"], by_campus["south"]["joined"]) == (3, 2)
    assert (by_campus["north"]["matched"], by_campus["south"]["matched"]) == (2, 1)  # the crossing pair on both
    assert by_campus["south"]["waiting"] == 1 and by_campus["north"]["waiting"] == 1  # waiting (south), lone_peer (north)

    await in_transaction(
        app,
        lambda uow: withdraw_participant(uow, ParticipantLeft(participant_id=south, program_id="first-year-stem", left_at=NOW)),
    )
    after = (await client.get("/programs/first-year-stem/health")).json()["all_campuses"]
    assert after["ended_by_reason"] == {"participant left": 1} and after["dormant_pairs"] == 0
    await counts_match_the_rows(app)

    exported = await client.get("/programs/first-year-stem/health.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = {row["campus"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    assert set(rows) == {"north", "south", "*"} and rows["*"]["joined"] == "5" and rows["*"]["ended: participant left"] == "1"

    north_only = await client.get("/programs/first-year-stem/health", headers=as_("matching", "coordinator", campuses=("north",)))
    assert [row["campus"] for row in north_only.json()["campuses"]] == ["north"] and north_only.json()["all_campuses"] is None
    assert (await client.get("/programs/first-year-stem/health", headers=as_("matching", "participant"))).status_code == 403
    elsewhere = as_("matching", "admin", institution="other-college")
    assert (await client.get("/programs/first-year-stem/health", headers=elsewhere)).status_code == 404

    # the mentor's data is erased: their pair ends, and the reasons quoting people go (the left pair's too)
    await in_transaction(app, lambda uow: on_participant_erased(uow, ParticipantErased(participant_id=mentor, erased_at=NOW)))
    erased = (await client.get("/programs/first-year-stem/health")).json()["all_campuses"]
    assert erased["ended_by_reason"] == {"ended by the pair or a coordinator": 2} and erased["active_pairs"] == 0
    assert (erased["joined"], erased["funnel"]["active"], erased["funnel"]["matched"]) == (5, 0, 3)
    await counts_match_the_rows(app)
