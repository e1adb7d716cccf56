"""Migration 018 on a database that already holds a program's history: each person's state, their name's
words, and what each match's history needs (when it closed, who declined) are filled in from the rows."""

import json
import uuid
from datetime import UTC, datetime, timedelta

from mesh_matching.adapters.postgres.candidates import stored_form
from mesh_matching.bootstrap import DEFINITION
from mesh_runtime.db import Database, create_pool
from mesh_runtime.migrations import apply_migrations, load_migrations
from tests.support.databases import SERVICE_ROLE, owner_url
from tests.support.factories import profile
from tests.support.services import in_tenant, running

NOW = datetime.now(UTC)
PROGRAM = "first-year-stem"
LEFT = "participant left the program"
MENTOR, FORMED, DORMANT, ASKED, LEAVER, ALONE, DECLINER = (uuid.uuid4() for _ in range(7))


def person(name: str, role: str) -> str:
    return json.dumps(
        stored_form(
            profile(
                display_name=name, topics=[{"topic": "Calculus II", "role": role}], mentor_capacity=5 if role == "mentor" else 0
            )
        )
    )


async def history(database: Database) -> None:
    """As the service wrote them before 018: a mentor with a formed pair, a dormant one, an open
    proposal, one declined by a mentee who left (having accepted first), one declined by its mentee."""
    tenant = in_tenant(database)
    people = [
        (MENTOR, "Ben Müller", "mentor", True),
        (FORMED, "Ana García", "mentee", True),
        (DORMANT, "Zoë Núñez", "mentee", True),
        (ASKED, "Chloé Lee", "mentee", True),
        (LEAVER, "Dora Leaver", "mentee", False),
        (ALONE, "Omar Alone", "peer", True),
        (DECLINER, "Eva Decliner", "mentee", True),
    ]
    await tenant.execute(
        """
        INSERT INTO candidates (participant_id, program_id, profile, capacity, used, active, joined_at)
        SELECT id, $1, profile::jsonb, 6, 0, active, $2::timestamptz - interval '30 days'
        FROM unnest($3::uuid[], $4::text[], $5::bool[]) AS p (id, profile, active)
        """,
        PROGRAM,
        NOW,
        [p[0] for p in people],
        [person(p[1], p[2]) for p in people],
        [p[3] for p in people],
    )
    matches = [
        (FORMED, "accepted", [FORMED, MENTOR], False, None),
        (DORMANT, "accepted", [DORMANT, MENTOR], True, None),
        (ASKED, "proposed", [MENTOR], False, None),
        (LEAVER, "declined", [LEAVER], False, LEFT),
        (DECLINER, "declined", [MENTOR], False, "not now"),
    ]
    await tenant.execute(
        """
        INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b, score,
                             score_parts, reasons, status, accepted_by, proposed_at, expires_at, updated_at, campuses,
                             formed_at, stalled_at, stalled_activity_at, stall_ends_at, closing_reason)
        SELECT gen_random_uuid(), $1, 'Calculus II', 'mentor_mentee', mentee, $2, 'mentee', 'mentor', 0.5, '[]', '[]',
               status, string_to_array(accepted, ',')::uuid[], $3::timestamptz - interval '20 days',
               $3::timestamptz + interval '7 days', $3::timestamptz - interval '2 days', ARRAY['north', 'north'],
               CASE WHEN status = 'accepted' THEN $3::timestamptz - interval '19 days' END,
               CASE WHEN dormant THEN $3::timestamptz - interval '1 day' END,
               CASE WHEN dormant THEN $3::timestamptz - interval '19 days' END,
               CASE WHEN dormant THEN $3::timestamptz + interval '13 days' END, reason
        FROM unnest($4::uuid[], $5::text[], $6::text[], $7::bool[], $8::text[]) AS m (mentee, status, accepted, dormant, reason)
        """,
        PROGRAM,
        MENTOR,
        NOW,
        [m[0] for m in matches],
        [m[1] for m in matches],
        [",".join(map(str, m[2])) for m in matches],
        [m[3] for m in matches],
        [m[4] for m in matches],
    )


async def test_the_migration_fills_in_states_name_words_and_match_closes_from_the_rows(endpoints, database_factory) -> None:
    url = await database_factory()
    migrations = load_migrations("mesh_matching.migrations")
    await apply_migrations(owner_url(url), [m for m in migrations if m.name < "018"], grant_to=SERVICE_ROLE)
    pool = await create_pool(url, max_size=2)
    try:
        await history(Database(pool))
        await apply_migrations(owner_url(url), [m for m in migrations if m.name < "019"], grant_to=SERVICE_ROLE)
        tenant = in_tenant(Database(pool))
        states = dict(await tenant.fetch("SELECT participant_id, state FROM candidates"))
        assert states == {
            MENTOR: "proposed",
            FORMED: "matched",
            DORMANT: "dormant",
            ASKED: "proposed",
            LEAVER: "left",
            ALONE: "waiting",
            DECLINER: "waiting",
        }
        closes = {row["participant_a"]: row for row in await tenant.fetch("SELECT * FROM matches")}
        assert closes[LEAVER]["declined_by"] == LEAVER  # their leaving closed it, though they had accepted
        assert closes[DECLINER]["declined_by"] == DECLINER  # the one who had not accepted
        assert closes[DECLINER]["closed_at"] == closes[DECLINER]["updated_at"] and closes[FORMED]["closed_at"] is None
        assert (
            await tenant.fetchval("SELECT left_at FROM candidates WHERE participant_id = $1", LEAVER)
            == closes[LEAVER]["updated_at"]
        )
    finally:
        await pool.close()
    async with running(DEFINITION, endpoints.kafka_bootstrap, url) as (_, client):  # the rest migrates at start
        found = (await client.get(f"/programs/{PROGRAM}/participants", params={"q": "NUNEZ"})).json()
        assert [p["display_name"] for p in found["participants"]] == ["Zoë Núñez"] and found["count"] == 1
        record = (await client.get(f"/programs/{PROGRAM}/participants/{DECLINER}")).json()
        assert [(step["what"], step["by"]) for step in record["history"]] == [
            ("joined", None),
            ("proposed", None),
            ("declined", str(DECLINER)),
        ]  # no acceptance time was kept
        assert record["history"][-1]["at"].startswith((NOW - timedelta(days=2)).date().isoformat())
