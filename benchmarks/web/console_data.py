"""The console's data at scale: a program of 100,000 participants on Northbridge's campus north, with pairs
in every state, and a program of 10,000 waiting people for a round preview.

The programs are created through profile's API (as Northbridge's admin); their people are written
straight into matching's database, by set-based SQL: joining 110,000 people through profile's roster API
and matching's Kafka intake would take many minutes (bench-pipeline's joins/s), and only matching's
tables are read by the console's pages timed here. Each row in the shape matching's own code writes it
(tests/support/bulk_candidates: candidates as ``PostgresCandidates.add`` writes them; matches as
proposals, answers, dormancy and ends leave them), as the service's own role acting in the institution,
with every trigger on: they keep the name words, open places and health counts as for any join. Each
person's state is then derived from their matches as the store derives it (``refresh_states``)."""

import asyncio
import dataclasses
import hashlib
import json
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from benchmarks.web.stack import expect
from mesh_local.config import LocalConfig
from mesh_local.demo_program import program_body
from mesh_local.keycloak import user_token
from mesh_local.realm import ADMIN
from mesh_local.steps import as_, eventually
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import MatchingPolicy, score_given
from tests.support.bulk_candidates import add_candidates
from tests.support.factories import profile

INSTITUTION = "northbridge"
PEOPLE, PAIRS, PREVIEWED = 100_000, 20_000, 10_000
MENTOR_TEMPLATES, MENTEE_TEMPLATES, PREVIEW_TEMPLATES = 200, 400, 1_000
SHARED_TOPIC = "Calculus II"  # every person of the big program has it: their pairs are on it
COURSES = [f"Course {i:02d}" for i in range(40)]
WORDS = [
    "statistics",
    "chess",
    "robotics",
    "debating",
    "climbing",
    "poetry",
    "coding",
    "music",
    "film",
    "cooking",
    "time management",
    "exam anxiety",
    "lab reports",
    "group projects",
    "public speaking",
    "internships",
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PERSON_K = 4_000  # the participant timed: a mentor in an active pair with sessions, who also had one declined


@dataclasses.dataclass
class ConsoleData:
    program_id: str  # 100,000 people
    preview_program_id: str  # 10,000 waiting
    person_id: str  # a mentor of the big program with an active pair, sessions and a declined proposal
    seconds: dict[str, float]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(dataclasses.asdict(self)))

    @staticmethod
    def load(path: Path) -> "ConsoleData | None":
        return ConsoleData(**json.loads(path.read_text())) if path.exists() else None


def participant_id(program_id: str, i: int) -> uuid.UUID:
    """Row ``i``'s id, as the SQL makes it: md5(program || ':' || i)::uuid."""
    return uuid.UUID(hashlib.md5(f"{program_id}:{i}".encode()).hexdigest())


def templates(program_id: str, count: int, role_of, topics_of, seed: int) -> list[Any]:
    """Profiles valid for scoring (profile's validation, matching's allow-list when stored), all different."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        role = role_of(n)
        start = rng.choice([16, 17, 18, 19])
        made.append(
            profile(
                program_id=program_id,
                campus="north",
                topics=[{"topic": t, "role": role} for t in topics_of(rng)],
                experiences=rng.sample(WORDS, 2),
                goals=rng.sample(WORDS, 2),
                challenges=rng.sample(WORDS, 1),
                interests=rng.sample(WORDS, 3),
                languages=["en"] + (["es"] if rng.random() < 0.3 else []),
                time_zone="Europe/London",
                meeting_modes=rng.choice([["online"], ["online", "in_person"], ["in_person"]]),
                weekly_availability=[
                    {"weekday": day, "start": f"{start:02d}:00", "end": f"{start + rng.choice([2, 3, 4]):02d}:00"}
                    for day in sorted(rng.sample(DAYS, 3), key=DAYS.index)
                ],
                preferred_cadence=rng.choice(["weekly", "biweekly"]),
                mentor_capacity=2 if role == "mentor" else 0,
            )
        )
    return made


async def load_console_data(config: LocalConfig) -> ConsoleData:
    run = uuid.uuid4().hex[:6]
    big, previewed = f"bench-scale-{run}", f"bench-round-{run}"
    today = datetime.now(UTC).date()
    term = {
        "term_id": "this-term",
        "name": "This term",
        "starts_on": (today - timedelta(weeks=10)).isoformat(),
        "ends_on": (today + timedelta(weeks=6)).isoformat(),
    }
    admin = await asyncio.to_thread(user_token, config, ADMIN)
    async with httpx.AsyncClient(timeout=30) as http:
        for pid, name in ((big, "Peer mentoring at scale (100,000)"), (previewed, "Round preview (10,000 waiting)")):
            body = program_body(pid, name) | {"campuses": ["north"], "roles_offered": ["mentor", "mentee"], "terms": [term]}
            await expect(
                await http.post(f"{config.service_url('profile')}/programs", json=body, headers=as_(admin)),
                f"creating {pid}",
                201,
            )
    print(
        f"  console data: programs {big} and {previewed} created through profile's API (as {ADMIN}); their "
        f"{PEOPLE + PREVIEWED:,} people are written straight into matching's database by set-based SQL, in the "
        "shape its own code writes them (joining them through profile's roster API and matching's Kafka intake "
        "would take many minutes; only matching's tables are read by these pages)",
        flush=True,
    )
    seconds: dict[str, float] = {}
    service = await asyncpg.connect(config.database_url("matching"))
    try:

        async def known() -> bool | None:
            async with service.transaction():
                await service.execute("SELECT set_config('mesh.institution', $1, true)", INSTITUTION)
                return (
                    await service.fetchval("SELECT count(*) = 2 FROM programs WHERE program_id = ANY($1)", [big, previewed])
                    or None
                )

        await eventually(known, "matching hearing of both programs (ProgramCreated)", timeout=60)
        for name, load in (("big_program", big_program), ("preview_program", preview_program)):
            started = time.monotonic()
            async with service.transaction():
                await service.execute("SELECT set_config('mesh.institution', $1, true)", INSTITUTION)
                # The triggers' statements run once a row, on plans cached while the tables were small: a scan
                # of a whole table would look cheapest then, and read every row written so far for each row.
                await service.execute("SET LOCAL enable_seqscan = off")
                await load(service, big if name == "big_program" else previewed)
            seconds[name] = round(time.monotonic() - started, 1)
    finally:
        await service.close()
    started = time.monotonic()
    owner = await asyncpg.connect(config.database_migration_url("matching"))  # the tables' owner: VACUUM is its
    try:
        for table in (
            "candidates",
            "candidate_name_words",
            "open_slots",
            "matches",
            "excluded_pairs",
            "pair_sessions",
            "health_people",
            "health_counts",
            "health_counts_by_date",
            "health_pair_weeks",
        ):
            await owner.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would have, over days
    finally:
        await owner.close()
    seconds["vacuum"] = round(time.monotonic() - started, 1)
    print(
        f"  console data: {PEOPLE:,} people and {PAIRS:,} pairs in {seconds['big_program']} s, {PREVIEWED:,} waiting "
        f"in {seconds['preview_program']} s, vacuumed in {seconds['vacuum']} s",
        flush=True,
    )
    return ConsoleData(big, previewed, str(participant_id(big, 3 * PERSON_K)), seconds)


async def big_program(connection: asyncpg.Connection, program_id: str) -> None:
    """100,000 on campus north, a third mentors (room for two mentees), two thirds mentees. Pair k (1..20,000)
    is mentor 3k with mentee 3k+1, by k % 10: 0-5 formed and active (sessions every week since), 6 formed and
    dormant, 7-8 proposed (8: the mentor accepted), 9 ended. Every fourth mentor also had a proposal with
    mentee 3k+2, who declined it (every fortieth's mentee also declined mentors 3k+3 and 3k+6: declined often).
    Every 97th person beyond the pairs has left. The rest wait."""
    people = templates(
        program_id,
        MENTOR_TEMPLATES + MENTEE_TEMPLATES,
        lambda n: "mentor" if n < MENTOR_TEMPLATES else "mentee",
        lambda rng: [SHARED_TOPIC, rng.choice(COURSES)],
        seed=29,
    )
    in_pairs = 3 * PAIRS + 2
    await add_candidates(
        connection,
        program_id,
        people,
        range(1, PEOPLE + 1),
        ids=f"md5('{program_id}:' || i)::uuid",
        template=f"CASE WHEN i % 3 = 0 THEN 1 + (i / 3) % {MENTOR_TEMPLATES} "
        f"ELSE 1 + {MENTOR_TEMPLATES} + (i / 3) % {MENTEE_TEMPLATES} END",
        used=f"CASE WHEN i % 3 <> 2 AND i / 3 BETWEEN 1 AND {PAIRS} AND (i / 3) % 10 <> 9 THEN 1 ELSE 0 END",
        joined_at="now() - interval '100 days' + i * interval '20 seconds'",
        columns={
            "active": f"NOT (i > {in_pairs} AND i % 97 = 0)",
            "left_at": f"CASE WHEN i > {in_pairs} AND i % 97 = 0 THEN now() - interval '3 days' END",
        },
    )
    # Each pair as scored on the shared topic (pair k: mentor template k % 200, mentee template k % 400).
    week = datetime.combine(date.today() - timedelta(days=date.today().weekday()), datetime.min.time(), UTC)
    scored = [
        score_given(
            Candidate(uuid.uuid4(), people[j % MENTOR_TEMPLATES]),
            Candidate(uuid.uuid4(), people[MENTOR_TEMPLATES + j]),
            MatchingPolicy(),
            week,
            SHARED_TOPIC,
            ("mentor", "mentee"),
        )
        for j in range(MENTEE_TEMPLATES)
    ]
    await connection.execute(
        f"""
        INSERT INTO matches (match_id, program_id, topic, kind, participant_a, participant_b, role_a, role_b, score,
                             score_parts, reasons, participant_reasons, status, accepted_by, proposed_at, expires_at,
                             updated_at, campuses, accepted_at_a, accepted_at_b, formed_at, stalled_at,
                             stalled_activity_at, stall_ends_at, declined_by, closed_at, closing_reason)
        SELECT md5($1 || ':match:' || k || ':' || n)::uuid, $1, $2, 'mentor_mentee', a, b, 'mentor', 'mentee',
               ($3::float8[])[s], (($4::text[])[s])::jsonb, (($5::text[])[s])::jsonb, (($6::text[])[s])::jsonb,
               status, CASE status WHEN 'proposed' THEN CASE WHEN k % 10 = 8 THEN ARRAY[a] ELSE '{{}}' END
                                   WHEN 'declined' THEN '{{}}' ELSE ARRAY[a, b] END,
               formed - interval '1 day', formed + interval '6 days', coalesce(closed, formed), ARRAY['north', 'north'],
               CASE WHEN status <> 'declined' AND (status <> 'proposed' OR k % 10 = 8) THEN formed - interval '12 hours' END,
               CASE WHEN status IN ('accepted', 'ended') THEN formed END,
               CASE WHEN status IN ('accepted', 'ended') THEN formed END,
               CASE WHEN dormant THEN now() - interval '1 day' - (k % 20) * interval '1 hour' END,
               CASE WHEN dormant THEN formed END,
               CASE WHEN dormant THEN now() + interval '13 days' - (k % 20) * interval '1 hour' END,
               CASE WHEN status = 'declined' THEN b END, closed,
               CASE status WHEN 'declined' THEN 'not the right time for me' WHEN 'ended' THEN 'we reached our goals' END
        FROM generate_series(1, $7::int) AS k, generate_series(0, 3) AS n, LATERAL (SELECT n > 0 AS declined) d,
        LATERAL (SELECT CASE WHEN declined THEN 'declined' WHEN k % 10 <= 6 THEN 'accepted'
                             WHEN k % 10 <= 8 THEN 'proposed' ELSE 'ended' END AS status,
                        NOT declined AND k % 10 = 6 AS dormant,
                        md5($1 || ':' || 3 * (k + greatest(n - 1, 0)))::uuid AS a, md5($1 || ':' || 3 * k + 1 + declined::int)::uuid AS b,
                        1 + k % {MENTEE_TEMPLATES} AS s) pair,
        LATERAL (SELECT CASE WHEN declined THEN now() - interval '20 days' - (k % 7 + 3 * n) * interval '1 day'
                             WHEN k % 10 <= 5 THEN now() - interval '2 days' - (k % 24) * interval '1 day'
                             WHEN k % 10 = 6 THEN now() - interval '45 days' - (k % 15) * interval '1 day'
                             WHEN k % 10 <= 8 THEN now() - (k % 5) * interval '1 day'
                             ELSE now() - interval '40 days' - (k % 10) * interval '1 day' END AS formed) at,
        LATERAL (SELECT CASE WHEN declined THEN formed + interval '1 day'
                             WHEN k % 10 = 9 THEN formed + interval '20 days' END AS closed) closing
        WHERE n = 0 OR n = 1 AND k % 4 = 0 OR n > 1 AND k % 40 = 0
        ORDER BY n DESC, k
        """,
        program_id,
        SHARED_TOPIC,
        [p.score for p in scored],
        [json.dumps([x.model_dump() for x in p.parts]) for p in scored],
        [json.dumps(list(p.reasons)) for p in scored],
        [json.dumps(list(p.participant_reasons)) for p in scored],
        PAIRS,
    )
    await connection.execute(
        """INSERT INTO excluded_pairs (participant_low, participant_high)
           SELECT least(participant_a, participant_b), greatest(participant_a, participant_b) FROM matches
           WHERE program_id = $1 ON CONFLICT DO NOTHING""",
        program_id,
    )
    # Active pairs meet weekly from the day after they formed: completed up to now, the next one scheduled.
    await connection.execute(
        """
        INSERT INTO pair_sessions (session_id, match_id, program_id, starts_at, completed_at, reflections, rating_sum)
        SELECT md5(m.match_id::text || ':' || n)::uuid, m.match_id, m.program_id, starts,
               CASE WHEN done THEN starts + interval '1 hour' END,
               CASE WHEN done AND n % 2 = 1 THEN 1 ELSE 0 END, CASE WHEN done THEN 3 + n % 3 ELSE 0 END
        FROM matches m, generate_series(0, 4) AS n, LATERAL (SELECT m.formed_at + (1 + 7 * n) * interval '1 day' AS starts) s,
             LATERAL (SELECT starts + interval '1 hour' < now() AS done) d
        WHERE m.program_id = $1 AND m.status = 'accepted' AND m.stalled_at IS NULL
          AND starts < now() + interval '7 days'
        """,
        program_id,
    )
    await connection.execute(  # the state of those in matches and those who left, as refresh_states derives it
        """UPDATE candidates c SET state = mesh_participant_state(c.participant_id, c.active)
           WHERE c.program_id = $1 AND (NOT c.active OR c.participant_id IN (
                     SELECT participant_a FROM matches WHERE program_id = $1
                     UNION SELECT participant_b FROM matches WHERE program_id = $1))
             AND c.state <> mesh_participant_state(c.participant_id, c.active)""",
        program_id,
    )


async def preview_program(connection: asyncpg.Connection, program_id: str) -> None:
    """10,000 waiting on campus north, a third mentors: each takes two of 40 courses (bench-matching's mix)."""
    people = templates(
        program_id, PREVIEW_TEMPLATES, lambda n: "mentor" if n % 3 == 0 else "mentee", lambda rng: rng.sample(COURSES, 2), seed=31
    )
    await add_candidates(
        connection,
        program_id,
        people,
        range(1, PREVIEWED + 1),
        ids=f"md5('{program_id}:' || i)::uuid",
        joined_at="now() - interval '14 days' + i * interval '1 minute'",
    )
