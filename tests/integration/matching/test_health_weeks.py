"""Program health week by week, and its funnel, on a real database: each session counted once in the
week it was completed whatever the order and number of deliveries, every week of the term shown, and
the counts always what the rows say."""

import asyncio
import csv
import io
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from mentoring_contracts import SessionCancelled, SessionScheduled
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.watch_dormant_pairs import watch_dormant_pairs
from mesh_matching.domain.health_weeks import monday_of
from tests.integration.matching.health_support import (
    PROGRAM,
    as_scanned,
    completion,
    counts_match_the_rows,
    formed_pair,
    scanned,
    scanned_figures,
    seen,
    session,
)
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_
from tests.support.services import in_tenant

NOW = datetime.now(UTC)
MONDAY = monday_of(NOW.date())
# The tests run the sweeps themselves: the background ones must not race them.
SWEPT_BY_HAND = ("dormant-pairs",)


def at(weeks_ago: int, weekday: int, hour: int = 12) -> datetime:
    """A moment of a past week: its Monday plus ``weekday`` days, at ``hour`` UTC."""
    return datetime.combine(MONDAY - timedelta(weeks=weeks_ago, days=-weekday), time(hour), UTC)


def term(starts_on: date, ends_on: date, term_id: str = "autumn") -> dict:
    return {"term_id": term_id, "name": term_id.capitalize(), "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}


def weeks(figures: dict) -> dict[str, tuple[int, int]]:
    return {week["week_starting"]: (week["sessions_completed"], week["pairs_met"]) for week in figures["weeks"]}


def week_of(weeks_ago: int) -> str:
    return (MONDAY - timedelta(weeks=weeks_ago)).isoformat()


@pytest.mark.parametrize("delivery", ["in_order", "reversed_and_twice", "shuffled_with_redeliveries"])
async def test_each_session_counts_once_in_its_week_whatever_the_order_and_redeliveries(matching, delivery) -> None:
    app, client = matching
    # a term that began on a Wednesday four weeks ago and runs on: its weeks from that Monday to this one
    await in_transaction(
        app,
        lambda uow: follow_program(
            uow, PROGRAM, definition(terms=[term(MONDAY - timedelta(weeks=4, days=-2), MONDAY + timedelta(weeks=8))]), NOW
        ),
    )
    mentor = await join(app, mentor_profile(mentor_capacity=2, campus="north"))
    north = await formed_pair(app, client, mentor, campus="north")
    crossing = await formed_pair(app, client, mentor, campus="south")
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events = [
        completion(north, at(2, 1), first, ratings=(5, 3)),
        session(
            SessionScheduled,
            north,
            session_id=first,
            sequence=1,
            starts_at=at(2, 1, 10),
            ends_at=at(2, 1, 11),
            meeting_mode="online",
            cadence="weekly",
        ),
        completion(north, at(2, 3), second),
        completion(crossing, at(2, 4, 23), third),  # Friday late: still week -2 in UTC
        completion(crossing, at(3, 6, 23)),  # Sunday 23:00 UTC: the week before
        session(SessionCancelled, crossing, starts_at=at(1, 2), cancelled_at=at(1, 1)),
        session(
            SessionScheduled, north, sequence=2, starts_at=at(1, 3), ends_at=at(1, 3, 13), meeting_mode="online", cadence="weekly"
        ),  # due, never completed
        session(
            SessionScheduled,
            north,
            sequence=3,
            starts_at=NOW + timedelta(days=2),
            ends_at=NOW + timedelta(days=2, hours=1),
            meeting_mode="online",
            cadence="weekly",
        ),  # not due yet
    ]
    order = {
        "in_order": events,
        "reversed_and_twice": [*reversed(events), *events],
        "shuffled_with_redeliveries": random.Random(7).sample(events * 3, len(events) * 3),
    }[delivery]
    await seen(app, *order)

    report = (await client.get(f"/programs/{PROGRAM}/health")).json()
    assert report["weeks_of"] == {
        "first_week": week_of(4),
        "last_week": week_of(0),
        "term_id": "autumn",
        "term_name": "Autumn",
        "term_starts_on": (MONDAY - timedelta(weeks=4, days=-2)).isoformat(),
        "term_ends_on": (MONDAY + timedelta(weeks=8)).isoformat(),
    }
    empty = (0, 0)
    assert weeks(report["all_campuses"]) == {
        week_of(4): empty,
        week_of(3): (1, 1),
        week_of(2): (3, 2),
        week_of(1): empty,
        week_of(0): empty,
    }
    by_campus = {row["campus"]: weeks(row) for row in report["campuses"]}
    assert by_campus["north"] == weeks(report["all_campuses"])  # both pairs have the mentor's campus
    assert by_campus["south"] == {week_of(4): empty, week_of(3): (1, 1), week_of(2): (1, 1), week_of(1): empty, week_of(0): empty}
    overall = report["all_campuses"]
    assert (overall["sessions_completed"], overall["average_rating"], overall["reflected_share"]) == (4, 4.0, 0.8)
    await counts_match_the_rows(app)
    found = await scanned_figures(app, PROGRAM, NOW)
    for row in (*report["campuses"], overall):
        assert as_scanned(row) == scanned(found[row["campus"]]), row["campus"]

    exported = await client.get(f"/programs/{PROGRAM}/health/weeks.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["campus"], r["week_starting"], int(r["sessions_completed"]), int(r["pairs_met"])) for r in rows] == [
        (row["campus"], week["week_starting"], week["sessions_completed"], week["pairs_met"])
        for row in (*report["campuses"], overall)
        for week in row["weeks"]
    ]


async def test_a_completion_moved_to_another_week_leaves_the_first_and_the_pair_met_once_a_week(matching) -> None:
    app, client = matching
    pair = await formed_pair(app, client, await join(app, mentor_profile()))
    moved, other = uuid.uuid4(), uuid.uuid4()
    await seen(app, completion(pair, at(1, 0), moved), completion(pair, at(1, 2), other))
    assert weeks((await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"])[week_of(1)] == (2, 1)
    await seen(app, completion(pair, at(3, 0), moved))  # scheduling corrected when it was completed
    by_week = weeks((await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"])
    assert (by_week[week_of(1)], by_week[week_of(3)]) == ((1, 1), (1, 1))
    await seen(app, completion(pair, at(3, 4), other))
    by_week = weeks((await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"])
    assert (by_week[week_of(1)], by_week[week_of(3)]) == ((0, 0), (2, 1))
    await counts_match_the_rows(app)

    def scheduled(session_id, starts_at):
        return session(
            SessionScheduled,
            pair,
            session_id=session_id,
            sequence=1,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            meeting_mode="online",
            cadence="weekly",
        )

    later = uuid.uuid4()
    await seen(app, scheduled(other, at(3, 4, 9)), scheduled(later, NOW + timedelta(days=3)), scheduled(moved, at(3, 0, 9)))
    await counts_match_the_rows(app)  # their first session: the earliest start
    await seen(app, scheduled(moved, NOW + timedelta(days=1)))  # moved later: the next earliest is their first now
    await counts_match_the_rows(app)
    first = await in_tenant(app.state.components.database).fetchval(
        "SELECT first_session_at FROM health_people WHERE participant_id = $1",
        uuid.UUID(pair["participants"][0]["participant_id"]),
    )
    assert first == at(3, 4, 9)


async def test_without_a_term_covering_today_the_last_sixteen_weeks_are_shown(matching) -> None:
    app, client = matching
    await in_transaction(
        app,
        lambda uow: follow_program(
            uow,
            PROGRAM,
            definition(
                terms=[
                    term(MONDAY - timedelta(weeks=40), MONDAY - timedelta(weeks=30), "spring"),
                    term(MONDAY + timedelta(weeks=2), MONDAY + timedelta(weeks=12), "autumn"),
                ]
            ),
            NOW,
        ),
    )
    pair = await formed_pair(app, client, await join(app, mentor_profile()))
    await seen(app, completion(pair, at(20, 1)), completion(pair, at(15, 1)))
    overall = (await client.get(f"/programs/{PROGRAM}/health")).json()
    assert overall["weeks_of"]["term_id"] is None
    assert [w["week_starting"] for w in overall["all_campuses"]["weeks"]] == [week_of(n) for n in range(15, -1, -1)]
    assert weeks(overall["all_campuses"])[week_of(15)] == (1, 1)  # the one 20 weeks ago is before them
    assert overall["all_campuses"]["sessions_completed"] == 2


async def test_the_funnel_counts_people_once_at_each_step_and_follows_them_back(matching) -> None:
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=3, campus="north"))
    active = await formed_pair(app, client, mentor, campus="north")
    quiet = await formed_pair(app, client, mentor, campus="north")
    decliner = await join(app, profile(campus="south"))
    proposal = (await client.get(f"/participants/{decliner}/matches")).json()[0]["match_id"]
    assert (await client.post(f"/matches/{proposal}/decline", json={"participant_id": str(decliner)})).status_code == 200
    await join(app, profile(campus="south", topics=[{"topic": "Chess", "role": "peer"}]))  # nobody to propose
    await in_tenant(app.state.components.database).execute(
        "UPDATE matches SET formed_at = $2 WHERE match_id = $1", uuid.UUID(quiet["match_id"]), NOW - timedelta(days=40)
    )
    assert (await in_transaction(app, lambda uow: watch_dormant_pairs(uow, PROGRAM), at=NOW)).found_dormant == 1

    report = (await client.get(f"/programs/{PROGRAM}/health")).json()
    funnel = {row["campus"]: row["funnel"] for row in (*report["campuses"], report["all_campuses"])}
    # people: the mentor, the two mentees paired, the decliner, the peer nobody fits
    assert funnel["*"] == {"joined": 5, "proposed": 4, "matched": 3, "active": 2}  # the mentor once, in two pairs
    assert funnel["north"] == {"joined": 3, "proposed": 3, "matched": 3, "active": 2}
    assert funnel["south"] == {"joined": 2, "proposed": 1, "matched": 0, "active": 0}

    ended = await client.post(
        f"/matches/{active['match_id']}/end",
        json={"participant_id": active["participants"][1]["participant_id"], "outcome": "completed"},
    )
    assert ended.status_code == 200
    after = (await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"]
    assert after["funnel"] == {"joined": 5, "proposed": 4, "matched": 3, "active": 0}  # the mentor's other pair is dormant
    await seen(app, completion(quiet, NOW - timedelta(hours=1)))  # the dormant pair met: active again, both of them
    assert (await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"]["funnel"]["active"] == 2
    await counts_match_the_rows(app)

    exported = await client.get(f"/programs/{PROGRAM}/health.csv")
    rows = {row["campus"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    report = (await client.get(f"/programs/{PROGRAM}/health")).json()
    for row in (*report["campuses"], report["all_campuses"]):
        assert {k: int(rows[row["campus"]][f"funnel_{k}"]) for k in row["funnel"]} == row["funnel"]
        assert int(rows[row["campus"]]["waiting"]) == row["waiting"]
    north_only = await client.get(
        f"/programs/{PROGRAM}/health/weeks.csv", headers=as_("matching", "coordinator", campuses=("north",))
    )
    assert {row["campus"] for row in csv.DictReader(io.StringIO(north_only.text))} == {"north"}
    assert (await client.get(f"/programs/{PROGRAM}/health/weeks.csv", headers=as_("matching", "participant"))).status_code == 403
    elsewhere = as_("matching", "admin", institution="other-college")
    assert (await client.get(f"/programs/{PROGRAM}/health/weeks.csv", headers=elsewhere)).status_code == 404


async def test_side_by_side_transactions_count_every_change_once(matching) -> None:
    """Sessions and joins committed at the same time, as two replicas or partitions would: no count is
    lost or doubled, and no transaction waits on another's counts before it commits."""
    app, client = matching
    mentor = await join(app, mentor_profile(mentor_capacity=6, campus="north"))
    pairs = [await formed_pair(app, client, mentor, campus=("north", "south")[n % 2]) for n in range(6)]
    completions = [completion(pairs[n % 6], at(1 + n % 3, n % 7), uuid.uuid4()) for n in range(30)]

    async def delivered(event) -> None:
        await seen(app, event)

    await asyncio.gather(
        *(delivered(event) for event in [*completions, *completions[:10]]),
        *(join(app, profile(campus="south", topics=[{"topic": f"Topic {n}", "role": "peer"}])) for n in range(6)),
    )
    overall = (await client.get(f"/programs/{PROGRAM}/health")).json()["all_campuses"]
    assert overall["sessions_completed"] == sum(week["sessions_completed"] for week in overall["weeks"]) == 30
    assert (overall["joined"], overall["waiting"]) == (13, 6)
    await counts_match_the_rows(app)
