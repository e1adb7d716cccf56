"""Migration 019 on a database that already holds a program's history: the counts it starts from are
what the rows say (as program health computed them by scanning), and its lists show who was waiting
and who declined before it."""

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta

from mesh_matching.adapters.postgres.candidates import stored_form
from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.db import Database, create_pool
from mesh_runtime.migrations import apply_migrations, load_migrations
from tests.integration.matching.health_support import PROGRAM, as_scanned, counts_match_the_rows, scanned, scanned_figures
from tests.support.databases import SERVICE_ROLE, owner_url
from tests.support.factories import profile
from tests.support.identity import INSTITUTION
from tests.support.services import in_tenant, running

NOW = datetime.now(UTC)
M, A, B, C, D, E = (uuid.uuid4() for _ in range(6))
X, Y, Z, W = (uuid.uuid4() for _ in range(4))


def person(campus: str, role: str, name: str) -> str:
    return json.dumps(
        stored_form(
            profile(
                campus=campus,
                display_name=name,
                topics=[{"topic": "Calculus II", "role": role}],
                mentor_capacity=3 if role == "mentor" else 0,
            )
        )
    )


async def history(database: Database) -> None:
    """A mentor with a pair that met, one gone dormant, one proposal declined and one pair ended by
    a leaver; a peer nobody fits. As the service wrote them before 019."""
    tenant = in_tenant(database)
    await tenant.execute(
        """
        INSERT INTO candidates (participant_id, program_id, profile, capacity, used, active, joined_at)
        SELECT id, $1, profile::jsonb, capacity, used, active, $2::timestamptz - joined * interval '1 day'
        FROM unnest($3::uuid[], $4::text[], $5::int[], $6::int[], $7::bool[], $8::int[])
             AS p (id, profile, capacity, used, active, joined)
        """,
        PROGRAM,
        NOW,
        [M, A, B, C, D, E],
        [
            person("north", "mentor", "Mo"),
            person("north", "mentee", "Al"),
            person("south", "mentee", "Bo"),
            person("north", "mentee", "Cy"),
            person("south", "mentee", "Di"),
            person("south", "peer", "Ed"),
        ],
        [3, 1, 1, 1, 1, 1],
        [2, 1, 1, 0, 0, 0],
        [True, True, True, True, False, True],
        [30, 20, 20, 10, 25, 5],
    )
    await tenant.execute(
        """
        INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b, score,
                             score_parts, reasons, status, accepted_by, proposed_at, expires_at, updated_at, campuses,
                             formed_at, stalled_at, stalled_activity_at, stall_ends_at, closing_reason, declined_by, closed_at)
        SELECT id, $1, 'Calculus II', 'mentor_mentee', mentee, $2, 'mentee', 'mentor', 0.5, '[]', '[]', status,
               CASE WHEN status IN ('accepted', 'ended') THEN ARRAY[mentee, $2] ELSE ARRAY[$2] END,
               $3::timestamptz - proposed * interval '1 day', $3::timestamptz + interval '7 days', $3::timestamptz - closed * interval '1 day',
               ARRAY[campus, 'north'], CASE WHEN status IN ('accepted', 'ended') THEN $3::timestamptz - proposed * interval '1 day' END,
               CASE WHEN dormant THEN $3::timestamptz - interval '1 day' END, CASE WHEN dormant THEN $3::timestamptz - interval '40 days' END,
               CASE WHEN dormant THEN $3::timestamptz + interval '13 days' END, reason,
               CASE WHEN status = 'declined' THEN mentee END,
               CASE WHEN status IN ('declined', 'ended') THEN $3::timestamptz - closed * interval '1 day' END
        FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::int[], $9::int[], $10::bool[], $11::text[])
             AS m (id, mentee, campus, status, proposed, closed, dormant, reason)
        """,
        PROGRAM,
        M,
        NOW,
        [X, Y, Z, W],
        [A, B, C, D],
        ["north", "south", "north", "south"],
        ["accepted", "accepted", "declined", "ended"],
        [19, 19, 9, 24],
        [0, 0, 3, 2],
        [False, True, False, False],
        [None, None, "not now", "participant left the program"],
    )
    await tenant.execute(
        """
        INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at, completed_at, reflections, rating_sum)
        VALUES (gen_random_uuid(), $1, $2, $3::timestamptz - interval '15 days', $3::timestamptz - interval '15 days', 2, 7),
               (gen_random_uuid(), $1, $2, $3::timestamptz - interval '8 days', $3::timestamptz - interval '8 days', 0, 0),
               (gen_random_uuid(), $1, $2, $3::timestamptz - interval '1 day', NULL, 0, 0)
        """,
        X,
        PROGRAM,
        NOW,
    )


async def test_the_migration_counts_the_history_already_there(endpoints, database_factory) -> None:
    url = await database_factory()
    before = [m for m in load_migrations("mesh_matching.migrations") if m.name < "019"]
    await apply_migrations(owner_url(url), before, grant_to=SERVICE_ROLE)
    pool = await create_pool(url, max_size=2)
    try:
        await history(Database(pool))
    finally:
        await pool.close()

    # applies 019; the test's pair gone dormant is not swept meanwhile
    no_sweep = dataclasses.replace(
        DEFINITION,
        workers=lambda components: [
            worker for worker in DEFINITION.workers(components) if getattr(worker, "name", None) != "dormant-pairs"
        ],
    )
    async with running(no_sweep, endpoints.kafka_bootstrap, url) as (app, client):
        await counts_match_the_rows(app)
        report = (await client.get(f"/programs/{PROGRAM}/health")).json()
        found = await scanned_figures(app, PROGRAM, NOW)
        for row in (*report["campuses"], report["all_campuses"]):
            assert as_scanned(row) == scanned(found[row["campus"]]), row["campus"]
        overall = report["all_campuses"]
        assert overall["funnel"] == {"joined": 6, "proposed": 5, "matched": 4, "active": 2}
        assert (overall["waiting"], overall["dormant_pairs"], overall["ended_by_reason"]) == (2, 1, {"participant left": 1})
        assert (overall["sessions_completed"], overall["reflected_share"], overall["average_rating"]) == (2, 1 / 3, 3.5)
        assert overall["hours_to_first_proposal"] == (6 + 1 + 1 + 1 + 1) * 24 / 5  # the mentor's after six days

        attention = (await client.get(f"/programs/{PROGRAM}/attention")).json()
        assert [p["match_id"] for p in attention["dormant_pairs"]] == [str(Y)]
        waiting = {p["participant_id"]: p for p in attention["waiting_longest"]}
        assert list(waiting) == [str(E), str(C)]  # waiting since: joined 5 days ago; declined 3 days ago
        assert waiting[str(C)]["declines"] == 1
        assert datetime.fromisoformat(waiting[str(C)]["waiting_since"]) == NOW - timedelta(days=3)
        people = {
            row["participant_id"]: row
            for row in await in_tenant(app.state.components.database).fetch(
                "SELECT participant_id, declines, declined_by_partners, first_session_at FROM health_people"
            )
        }
        assert (people[M]["declined_by_partners"], people[D]["declines"]) == (1, 0)  # the leaver's close is no decline
        assert people[A]["first_session_at"] == people[M]["first_session_at"] == NOW - timedelta(days=15)
        assert await in_tenant(app.state.components.database, INSTITUTION).fetchval("SELECT count(*) FROM health_deltas") == 0
