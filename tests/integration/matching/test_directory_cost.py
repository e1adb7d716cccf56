"""What a page of the participants directory reads must not grow with the program: among 100,000 people
of one program, under row-level security and as the service's own role, a first page and a page deep in
the list read about a page of rows, whatever the filters (state, campuses, role, a search), and a first
page's count stops at its threshold."""

from collections.abc import Sequence

import pytest

from mentoring_contracts import ParticipantProfile
from mesh_matching.adapters.http.queries_directory import COUNTED_UP_TO, SORTED_UP_TO, Filters, Place, directory_page
from mesh_runtime.db import Database, create_pool
from tests.support.bulk_candidates import add_candidates, fill_name_words
from tests.support.databases import as_owner, create_database, drop_database
from tests.support.factories import profile
from tests.support.identity import INSTITUTION
from tests.support.plans import Explained

PEOPLE, PAGE = 100_000, 50


@pytest.fixture(scope="module")
async def big_program(endpoints):
    """One program of 100,000 (and a small one beside it), loaded in bulk: the owner turns the row triggers
    off for the load and fills the name words as the trigger would. Names as a cohort's: a few hundred
    first names and initials, a dozen family names (a family name's people dispersed through the list)."""
    url = await create_database(endpoints.postgres_admin_url, "mesh_matching.migrations")
    await as_owner(url, "ALTER TABLE candidates DISABLE TRIGGER USER")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    async with database.transaction(INSTITUTION) as transaction:
        for program_id, rows in (("big", range(1, PEOPLE + 1)), ("small", range(PEOPLE + 1, PEOPLE + 1001))):
            await add_candidates(
                transaction.connection,
                program_id,
                [
                    cohort_profile(program_id, role, topic)
                    for role, topic in (("mentor", "calculus"), ("peer", "chess"), ("mentee", "calculus"))
                ],
                rows,
                template="CASE WHEN i % 5 = 0 THEN 1 WHEN i % 100 = 1 THEN 2 ELSE 3 END",
                campus="CASE WHEN i % 3 = 0 THEN 'south' ELSE 'north' END",
                capacity="2",
                used="1",
                subject="'subject-' || i",
                joined_at="now() - i * interval '1 minute'",
                columns={
                    "state": "(ARRAY['matched', 'matched', 'matched', 'waiting', 'waiting', 'proposed', 'matched', "
                    "'dormant', 'matched', 'left'])[1 + i % 10]",
                    "active": "i % 10 <> 9",
                },
            )
        await fill_name_words(transaction.connection)
    await as_owner(
        url, "ALTER TABLE candidates ENABLE TRIGGER USER", "VACUUM ANALYZE candidates", "VACUUM ANALYZE candidate_name_words"
    )
    try:
        yield database
    finally:
        await pool.close()
        await drop_database(endpoints.postgres_admin_url, url)


def cohort_profile(program_id: str, role: str, topic: str) -> ParticipantProfile:
    return profile(program_id=program_id, topics=[{"topic": topic, "role": role}], mentor_capacity=2 if role == "mentor" else 0)


async def page_of(database: Database, filters: Filters, after: Place | None = None) -> tuple[Sequence, int | None, dict]:
    async with database.transaction(INSTITUTION) as transaction:
        explained = Explained(transaction.connection)
        page = await directory_page(explained, filters, after, PAGE)  # type: ignore[arg-type]
    return page.rows, page.count, explained.examined


async def middle_of(database: Database, program_id: str) -> Place:
    """The person half way down the whole program, by name: a page after them is deep in any filtered list."""
    async with database.transaction(INSTITUTION) as transaction:
        row = await transaction.connection.fetchrow(
            "SELECT name_key, participant_id FROM candidates WHERE program_id = $1 ORDER BY name_key, participant_id "
            "OFFSET $2 LIMIT 1",
            program_id,
            PEOPLE // 2,
        )
    return Place(row["name_key"], row["participant_id"])


@pytest.mark.parametrize(
    "filters",
    [
        Filters("big"),
        Filters("big", state="dormant"),
        Filters("big", campuses=("north", "south"), state="waiting"),
        Filters("big", campuses=("south",), state="left"),
        Filters("big", role="peer"),
        Filters("big", campuses=("north",), role="mentor", state="proposed"),
    ],
    ids=["everyone", "dormant", "two-campuses-waiting", "one-campus-left", "peers", "campus-mentors-proposed"],
)
async def test_a_first_page_and_a_deep_page_read_about_a_page_of_a_hundred_thousand(big_program, filters) -> None:
    rows, count, examined = await page_of(big_program, filters)
    assert len(rows) == PAGE
    # the page itself, and the count that stops past its threshold: never the program
    assert examined["candidates"] <= 3 * PAGE + COUNTED_UP_TO + 10, examined
    assert count is None or count <= COUNTED_UP_TO
    names = [row["name_key"] for row in rows]
    assert names == sorted(names)
    deep = await middle_of(big_program, filters.program_id)
    rows, count, examined = await page_of(big_program, filters, deep)
    assert len(rows) == PAGE and count is None
    assert (rows[0]["name_key"], rows[0]["participant_id"]) > (deep.name_key, deep.participant_id)
    assert examined["candidates"] <= 3 * PAGE + 10, f"a deep page examined {examined}"


async def test_the_count_is_exact_up_to_its_threshold_and_none_beyond(big_program) -> None:
    assert (await page_of(big_program, Filters("big", role="peer")))[1] == PEOPLE // 100  # 1,000: exact
    assert (await page_of(big_program, Filters("big", state="dormant")))[1] is None  # 10,000: more than counted


@pytest.mark.parametrize("words", [("nakamura",), ("kowalski", "ana"), ("zoe", "nakamura"), ("4242",), ("zz",), ("m",)])
async def test_a_search_reads_its_rarest_words_people_in_order_or_a_page_along_the_index(big_program, words) -> None:
    rows, count, examined = await page_of(big_program, Filters("big", words=words))
    broad = words == ("m",)  # starts a quarter of the names: checked along the name index
    # each word's names counted up to the bound, then those of the narrow ones read (the page, its count),
    # each person found checked: never the program, nor the whole index of words
    assert examined.get("candidate_name_words", 0) <= 3 * len(words) * (SORTED_UP_TO + 1) + 2 * examined["candidates"]
    assert examined["candidates"] <= (20 * PAGE if broad else SORTED_UP_TO + 2 * PAGE), examined
    for row in rows:
        assert all(any(word.startswith(w) for word in row["name_key"].replace(".", " ").split()) for w in words)
    names = [(row["name_key"], row["participant_id"]) for row in rows]
    assert names == sorted(names)
    assert count is None if broad else (count == len(rows) if len(rows) < PAGE else count is None or count >= PAGE)
    if words == ("zz",):
        assert rows == [] and count == 0
    if rows:
        deep = Place(*names[len(rows) // 2])
        later, _, examined = await page_of(big_program, Filters("big", words=words), deep)
        assert later and (later[0]["name_key"], later[0]["participant_id"]) > (deep.name_key, deep.participant_id)
        assert examined["candidates"] <= (20 * PAGE if broad else SORTED_UP_TO), examined
