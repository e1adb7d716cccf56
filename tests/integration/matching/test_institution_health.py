"""The institution's health rolled up, on a real database: each program's figures as its own health
says, campuses and the institution as the sums of their programs, for the institution's admins only."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.follow_programs import follow_program
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.db import Cause
from tests.integration.matching.health_support import PROGRAM, completion, counts_match_the_rows, formed_pair, seen
from tests.integration.matching.support import definition, in_transaction, join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import as_

NOW = datetime.now(UTC)
WRITING = "writing-circle"
ELSEWHERE = "other-college"
ADDED = ("joined", "waiting", "proposed", "matched", "active_pairs", "dormant_pairs", "sessions_completed")


async def join_elsewhere(app, given) -> None:
    components = app.state.components
    async with components.database.transaction(ELSEWHERE) as transaction:
        uow = PostgresMatchingUnitOfWork(transaction, components.source, Cause(institution=ELSEWHERE))
        await register_candidate(uow, Candidate(uuid.uuid4(), given))


def without_weeks(figures: dict) -> dict:
    return {name: value for name, value in figures.items() if name != "weeks"}


def added(*figures: dict) -> dict:
    return {
        **{name: sum(f[name] for f in figures) for name in ADDED},
        "funnel": {step: sum(f["funnel"][step] for f in figures) for step in figures[0]["funnel"]},
    }


async def two_programs(app, client) -> None:
    await in_transaction(app, lambda uow: follow_program(uow, PROGRAM, definition(), NOW))
    await in_transaction(
        app, lambda uow: follow_program(uow, WRITING, definition(name="Writing circle", campuses=["north", "east"]), NOW)
    )
    stem_mentor = await join(app, mentor_profile(mentor_capacity=2, campus="north"))
    met = await formed_pair(app, client, stem_mentor, campus="north")
    await formed_pair(app, client, stem_mentor, campus="south")
    await seen(app, completion(met, NOW - timedelta(days=2), ratings=(5, 3)))
    writer = await join(app, mentor_profile(program_id=WRITING, campus="north"))
    await formed_pair(app, client, writer, program_id=WRITING, campus="east")
    await join(app, profile(program_id=WRITING, campus="east", topics=[{"topic": "Poetry", "role": "peer"}]))
    await join_elsewhere(app, profile(campus="north"))


async def test_the_roll_up_is_each_programs_health_and_their_sums(matching) -> None:
    app, client = matching
    await two_programs(app, client)
    own = {program: (await client.get(f"/programs/{program}/health")).json() for program in (PROGRAM, WRITING)}
    rolled = (await client.get("/institution/health")).json()
    assert [(p["program_id"], p["name"]) for p in rolled["programs"]] == [(PROGRAM, "STEM"), (WRITING, "Writing circle")]
    for row in rolled["programs"]:
        assert row["figures"] == without_weeks(own[row["program_id"]]["all_campuses"]) | {"weeks": None}
    institution = rolled["institution"]
    assert {name: institution[name] for name in (*ADDED, "funnel")} == added(*(p["figures"] for p in rolled["programs"]))
    assert (institution["joined"], institution["sessions_completed"], institution["average_rating"]) == (6, 1, 4.0)
    campuses = {row["campus"]: row["figures"] for row in rolled["campuses"]}
    assert list(campuses) == ["east", "north", "south"]
    per_program = {(program, row["campus"]): row for program, report in own.items() for row in report["campuses"]}
    assert {name: campuses["north"][name] for name in (*ADDED, "funnel")} == added(
        per_program[(PROGRAM, "north")], per_program[(WRITING, "north")]
    )
    assert campuses["east"]["joined"] == 2 and campuses["south"]["joined"] == 1
    await counts_match_the_rows(app)

    stem_only = (await client.get("/institution/health", params={"program": PROGRAM})).json()
    assert [p["program_id"] for p in stem_only["programs"]] == [PROGRAM]
    assert stem_only["institution"] == without_weeks(own[PROGRAM]["all_campuses"]) | {"weeks": None}
    south = (await client.get("/institution/health", params={"campus": "south"})).json()
    assert [p["program_id"] for p in south["programs"]] == [PROGRAM] and [c["campus"] for c in south["campuses"]] == ["south"]
    assert south["institution"] == without_weeks(per_program[(PROGRAM, "south")]) | {"weeks": None}

    exported = await client.get("/institution/health.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    shown = [
        *(("program", p["program_id"], p["figures"]) for p in rolled["programs"]),
        *(("campus", "", c["figures"]) for c in rolled["campuses"]),
        ("institution", "", institution),
    ]
    assert [(r["scope"], r["program_id"], r["campus"]) for r in rows] == [(s, p, f["campus"]) for s, p, f in shown]
    for row, (_, _, figures) in zip(rows, shown, strict=True):
        assert {name: int(row[name]) for name in ADDED} == {name: figures[name] for name in ADDED}
        assert {step: int(row[f"funnel_{step}"]) for step in figures["funnel"]} == figures["funnel"]
        assert float(row["sessions_per_week"]) == figures["sessions_per_week"]


async def test_only_the_institutions_admins_read_its_roll_up(matching) -> None:
    app, client = matching
    await two_programs(app, client)
    for headers in (as_("matching", "coordinator"), as_("matching", "participant")):
        for path in ("/institution/health", "/institution/health.csv"):
            refused = await client.get(path, headers=headers)
            assert refused.status_code == 403 and refused.json()["type"].endswith(":admins-only")
    elsewhere = as_("matching", "admin", institution=ELSEWHERE)
    theirs = (await client.get("/institution/health", headers=elsewhere)).json()
    assert [p["program_id"] for p in theirs["programs"]] == [PROGRAM] and theirs["institution"]["joined"] == 1
    assert (await client.get("/institution/health", params={"program": WRITING}, headers=elsewhere)).status_code == 404
    unknown = await client.get("/institution/health", params={"program": "no-such-program"})
    assert unknown.status_code == 404 and unknown.json()["type"].endswith(":unknown-program")
    nowhere = await client.get("/institution/health", params={"program": WRITING, "campus": "south"})
    assert nowhere.status_code == 404 and nowhere.json()["type"].endswith(":unknown-campus")
    assert (await client.get("/institution/health", params={"campus": ""})).status_code == 422
