"""A big program's people straight into matching's database, by set-based SQL (generate_series): each
row exactly as ``PostgresCandidates.add`` writes a candidate (the stored form of a validated profile,
its capacity, subject, slots and joined_at), its name and a few columns varied per row. 100,000 in
seconds, where joining them through profile's API and matching's Kafka intake takes many minutes.

For the cost tests (tests/integration/matching) and ``make bench-web``. Run inside a transaction acting
in the institution (row-level security: ``mesh.institution`` set). With the table's triggers on (the
service's role), they keep the name words, open places and health counts as for any join; with them
off (the owner: ``ALTER TABLE candidates DISABLE TRIGGER USER``, for speed), ``fill_name_words`` adds
the words afterwards."""

import json
from collections.abc import Sequence
from typing import Any

from mentoring_contracts import ParticipantProfile
from mesh_matching.adapters.postgres.candidates import stored_form
from mesh_matching.domain.candidate import Candidate, MatchingProfile

FIRST_NAMES = ["Ana", "José", "Zoë", "Ben", "María", "Łukasz", "Chloé", "Ngozi", "Søren", "Ana María", "Yuki", "Omar"]
LAST_NAMES = [
    "García",
    "Smith",
    "Müller",
    "Okafor",
    "Núñez",
    "Brontë",
    "Lee",
    "Nakamura",
    "O'Brien",
    "Ivanova",
    "Dubois",
    "Rossi",
    "Kowalski",
]
# A cohort's names: a first name, an initial, a family name and the row's number (each name unique; a
# family name's people dispersed through the list), from FIRST_NAMES and LAST_NAMES as add_candidates passes them.
COHORT_NAME = """first_names[1 + abs(hashtext('first' || i)) % cardinality(first_names)] || ' '
                 || chr(65 + abs(hashtext('middle' || i)) % 26) || '. '
                 || last_names[1 + abs(hashtext('last' || i)) % cardinality(last_names)] || ' ' || i"""


async def add_candidates(
    connection: Any,
    program_id: str,
    templates: Sequence[ParticipantProfile | MatchingProfile],
    rows: range,
    *,
    template: str | None = None,
    ids: str = "gen_random_uuid()",
    name: str = COHORT_NAME,
    campus: str | None = None,
    capacity: str | None = None,
    used: str = "0",
    subject: str = "gen_random_uuid()::text",
    joined_at: str = "now()",
    columns: dict[str, str] | None = None,
) -> None:
    """One candidate for each ``i`` of ``rows``, from the template profile ``template`` picks (an SQL
    expression of ``i``, 1-based; ``1 + i % len(templates)`` when not given), with the other arguments'
    SQL expressions of ``i`` for its id, display name, campus (the template's when None), capacity (the
    template's when None), places used, subject and joined_at, and any other column's (``columns``:
    state, active, left_at...). Expressions are SQL written by the caller, never anyone's input."""
    program_of = {profile.program_id for profile in templates}
    if program_of != {program_id}:
        raise ValueError(f"the templates are of {sorted(program_of)}, not {program_id!r}")
    made = [Candidate(participant_id=None, profile=profile) for profile in templates]  # type: ignore[arg-type]
    profile = "(($2::text[])[t])::jsonb"
    if campus is not None:
        profile = f"jsonb_set({profile}, '{{campus}}', to_jsonb(({campus})::text))"
    profile = f"jsonb_set({profile}, '{{display_name}}', to_jsonb(({name})::text))"
    extra = columns or {}
    # With the triggers on, each of their statements runs once a row, on a plan cached after its first
    # runs, while the tables it reads were small (no ANALYZE can run within the statement): a scan of the
    # whole table would look cheapest then and read every row inserted so far, for each row. Along the
    # indexes instead, for this statement (the setting is put back after).
    scans = await connection.fetchval("SELECT current_setting('enable_seqscan')")
    await connection.execute("SELECT set_config('enable_seqscan', 'off', true)")
    await connection.execute(
        f"""
        INSERT INTO candidates (participant_id, program_id, profile, capacity, used, subject, slots, joined_at
                                {"".join(", " + column for column in extra)})
        SELECT {ids}, $1, {profile}, {capacity or "capacities[t]"}, {used}, {subject},
               ARRAY(SELECT jsonb_array_elements_text((($4::text[])[t])::jsonb)), {joined_at}
               {"".join(", " + expression for expression in extra.values())}
        FROM generate_series($7::int, $8::int) AS i, LATERAL (SELECT {template or f"1 + i % {len(made)}"} AS t,
                                                                $3::int[] AS capacities, $5::text[] AS first_names,
                                                                $6::text[] AS last_names) picked
        """,
        program_id,
        [json.dumps(stored_form(c.profile)) for c in made],
        [c.capacity for c in made],
        [json.dumps(c.slots()) for c in made],
        FIRST_NAMES,
        LAST_NAMES,
        rows.start,
        rows.stop - 1,
    )
    await connection.execute("SELECT set_config('enable_seqscan', $1, true)", scans)


async def fill_name_words(connection: Any) -> None:
    """The name words of candidates written with the triggers off, as the trigger (migration 018) keeps them."""
    await connection.execute(
        """INSERT INTO candidate_name_words (program_id, word, name_key, participant_id, institution)
           SELECT c.program_id, word, c.name_key, c.participant_id, c.institution
           FROM candidates c, unnest(mesh_name_words(c.name_key)) AS word
           WHERE NOT EXISTS (SELECT 1 FROM candidate_name_words w WHERE w.participant_id = c.participant_id)"""
    )
