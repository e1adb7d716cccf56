"""The participants directory in matching's database: a program's people in name order, a page at a
time, filtered by campus, state, role and words of their name; and one participant with their matches.

Order: the name's key (migration 018: compatibility forms folded, accents gone, lower case; byte
order), then the participant's id. A page starts strictly after the last one shown (keyset): rows
added or changed elsewhere in the list between two pages never make one appear twice or go missing.

What a page reads does not grow with the program. Row-level security's tenant check cannot be
estimated, so the planner would take a whole program for a handful of rows and sort it; a page is
read instead from the index that fits its filters, in its order, and stops when full (one index
scan per campus, merged, for a coordinator of several). A search is read from the index of name
words: the people with a word starting as each of its words does, for its words that start at most
``SORTED_UP_TO`` names (from the index alone: their keys, intersected and sorted), each then checked
against the filters and the search's more common words until the page is full. When every word of
the search starts more names than that, the words are checked along the name index instead (so
common a word finds a page quickly).

``count`` is counted on a first page only, up to ``COUNTED_UP_TO``: beyond, None (more than that);
None too for a search whose every word starts more than ``SORTED_UP_TO`` names (not counted)."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from mesh_runtime.index_order import in_index_order

PAGE_COLUMNS = """c.participant_id, c.name_key, c.profile->>'display_name' AS display_name, c.campus, c.roles, c.state,
                  c.joined_at, c.left_at"""
SORTED_UP_TO = 10_000  # names a search's word may start and still be read from the words' index, then sorted
COUNTED_UP_TO = 1_000
MAX_SEARCH_WORDS = 5
ROLE_INDEXED = {"mentor", "mentee", "peer"}  # each with its own partial index (018): named, never a parameter
_PREFIX_END = "chr(1114111)"  # the last code point: every word starting with w sorts before w || it


Statement = tuple[str, list[object]]  # SQL and its arguments


@dataclass(frozen=True, slots=True)
class Filters:
    """``campuses``: None for every campus (an admin), else only these (none: nobody)."""

    program_id: str
    campuses: tuple[str, ...] | None = None
    state: str | None = None
    role: str | None = None
    words: tuple[str, ...] = ()  # of the search, as names are keyed (``search_words``)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a page starts: right after this name key and participant."""

    name_key: str
    participant_id: UUID


@dataclass(frozen=True, slots=True)
class DirectoryRows:
    rows: list[asyncpg.Record]
    more: bool
    count: int | None


async def search_words(connection: asyncpg.Connection, search: str) -> tuple[str, ...]:
    """The words of a search as names are keyed and split (the database's own functions), the longest
    ``MAX_SEARCH_WORDS`` of them; none for a search of only spaces and punctuation."""
    words = await connection.fetchval("SELECT mesh_name_words(mesh_name_key($1))", search)
    return tuple(sorted(words, key=lambda word: (-len(word), word))[:MAX_SEARCH_WORDS])


async def directory_page(connection: asyncpg.Connection, filters: Filters, after: Place | None, limit: int) -> DirectoryRows:
    """Up to ``limit`` people in order after ``after``; ``more``: whether any follow."""
    if filters.campuses == ():
        return DirectoryRows([], False, 0 if after is None else None)
    narrow = await _narrow_words(connection, filters)
    if narrow:
        rows = await _fetch(connection, _named(filters, narrow, after, limit + 1))
        count = None if after else (await _fetch(connection, _counted(_named(filters, narrow, None, None))))[0][0]
    else:
        rows = await in_index_order(connection, *_along_index(filters, after, limit + 1))
        count = (
            None
            if after or filters.words
            else (await in_index_order(connection, *_counted(_along_index(filters, None, None))))[0][0]
        )
    return DirectoryRows(list(rows[:limit]), len(rows) > limit, None if count is None or count > COUNTED_UP_TO else count)


async def place_of(connection: asyncpg.Connection, program_id: str, participant_id: UUID) -> Place | None:
    """Where a participant of the program stands in its list now; None if not in it."""
    row = await connection.fetchrow(
        "SELECT name_key, participant_id FROM candidates WHERE participant_id = $1 AND program_id = $2",
        participant_id,
        program_id,
    )
    return Place(row["name_key"], row["participant_id"]) if row else None


async def page_figures(connection: asyncpg.Connection, participant_ids: Sequence[UUID]) -> dict[UUID, asyncpg.Record]:
    """Per person of a page: proposals they declined while in the program, their open matches (proposed
    or formed), and when a match of theirs last closed."""
    rows = await connection.fetch(
        """
        SELECT c.participant_id, figures.* FROM candidates c CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE m.declined_by = c.participant_id
                                      AND (c.left_at IS NULL OR m.closed_at < c.left_at)) AS declines,
                   count(*) FILTER (WHERE m.status IN ('proposed', 'accepted')) AS open_matches,
                   max(m.closed_at) AS last_closed_at
            FROM (SELECT status, declined_by, closed_at FROM matches WHERE participant_a = c.participant_id
                  UNION ALL
                  SELECT status, declined_by, closed_at FROM matches WHERE participant_b = c.participant_id) m
        ) figures
        WHERE c.participant_id = ANY($1::uuid[])
        """,
        list(participant_ids),
    )
    return {row["participant_id"]: row for row in rows}


async def participant_record(connection: asyncpg.Connection, participant_id: UUID) -> asyncpg.Record | None:
    return await connection.fetchrow(
        f"""SELECT {PAGE_COLUMNS}, c.program_id, c.profile->'topics' AS topics, c.capacity, c.used, c.active
            FROM candidates c WHERE c.participant_id = $1""",
        participant_id,
    )


async def participant_matches(connection: asyncpg.Connection, participant_id: UUID) -> list[asyncpg.Record]:
    """Every match of theirs, newest first, with their partner's id, name and role, and their own role."""
    return list(
        await connection.fetch(
            """
        SELECT m.*, mine.role AS own_role, mine.partner_id, partner.profile->>'display_name' AS partner_name,
               mine.partner_role
        FROM matches m
        CROSS JOIN LATERAL (SELECT CASE WHEN m.participant_a = $1 THEN m.role_a ELSE m.role_b END AS role,
                                   CASE WHEN m.participant_a = $1 THEN m.participant_b ELSE m.participant_a END AS partner_id,
                                   CASE WHEN m.participant_a = $1 THEN m.role_b ELSE m.role_a END AS partner_role) mine
        LEFT JOIN candidates partner ON partner.participant_id = mine.partner_id
        WHERE m.match_id IN (SELECT match_id FROM matches WHERE participant_a = $1
                             UNION ALL SELECT match_id FROM matches WHERE participant_b = $1)
        ORDER BY m.proposed_at DESC, m.match_id
        """,
            participant_id,
        )
    )


async def _narrow_words(connection: asyncpg.Connection, filters: Filters) -> list[str]:
    """The search's words that start at most ``SORTED_UP_TO`` names, fewest first (each counted from the
    words' index alone, up to that)."""
    if not filters.words:
        return []
    counted = await connection.fetch(
        f"""
        SELECT searched.word, (SELECT count(*) FROM (
                                   SELECT 1 FROM candidate_name_words n WHERE n.program_id = $1
                                   AND n.word >= searched.word AND n.word < searched.word || {_PREFIX_END} LIMIT $3) named
                              ) AS names
        FROM unnest($2::text[]) AS searched (word) ORDER BY names, searched.word
        """,
        filters.program_id,
        list(filters.words),
        SORTED_UP_TO + 1,
    )
    return [row["word"] for row in counted if row["names"] <= SORTED_UP_TO]


class _Query:
    """A statement's arguments, numbered as they are added."""

    def __init__(self) -> None:
        self.args: list[object] = []

    def arg(self, value: object, cast: str = "") -> str:
        self.args.append(value)
        return f"${len(self.args)}{cast}"


def _conditions(
    query: _Query, filters: Filters, after: Place | None, *, campus: str | None = None, words: Sequence[str] = ()
) -> str:
    """Everything but how the rows are reached. ``campus``: this one of the filter's campuses only;
    ``words``: the search's words to check on each row."""
    conditions = [f"c.program_id = {query.arg(filters.program_id)}"]
    if campus is not None:
        conditions.append(f"c.campus = {query.arg(campus)}")
    elif filters.campuses is not None:
        conditions.append(f"c.campus = ANY({query.arg(list(filters.campuses), '::text[]')})")
    if filters.state is not None:
        conditions.append(f"c.state = {query.arg(filters.state)}")
    if filters.role is not None:
        assert filters.role in ROLE_INDEXED, "a role is named in the statement, to meet its partial index"
        conditions.append(f"'{filters.role}' = ANY (c.roles)")
    for word in words:
        bound = query.arg(word)
        conditions.append(f"""EXISTS (SELECT 1 FROM candidate_name_words w WHERE w.participant_id = c.participant_id
                                      AND w.word >= {bound} AND w.word < {bound} || {_PREFIX_END})""")
    if after is not None:
        conditions.append(
            f"(c.name_key, c.participant_id) > ({query.arg(after.name_key)}, {query.arg(after.participant_id, '::uuid')})"
        )
    return " AND ".join(conditions)


def _page(query: _Query, where: str, limit: int | None) -> str:
    bound = f" LIMIT {query.arg(limit)}" if limit is not None else ""
    return f"SELECT {PAGE_COLUMNS} FROM candidates c WHERE {where} ORDER BY c.name_key, c.participant_id{bound}"


def _along_index(filters: Filters, after: Place | None, limit: int | None) -> Statement:
    """Along the index for the filters, the search's words checked on each row; for several campuses,
    one scan per campus, merged."""
    query = _Query()
    branches = [
        _page(query, _conditions(query, filters, after, campus=campus, words=filters.words), limit)
        for campus in filters.campuses or (None,)
    ]
    if len(branches) == 1:
        return branches[0], query.args
    merged = " UNION ALL ".join(f"({branch})" for branch in branches)
    bound = f" LIMIT {query.arg(limit)}" if limit is not None else ""
    return f"SELECT * FROM ({merged}) c ORDER BY c.name_key, c.participant_id{bound}", query.args


def _named(filters: Filters, narrow: list[str], after: Place | None, limit: int | None) -> Statement:
    """The people with a word of their name starting as each ``narrow`` word does, in name order from
    the words' index, each checked against the filters and the search's other words."""
    query = _Query()
    program = query.arg(filters.program_id)
    start = (
        ""
        if after is None
        else f" AND (n.name_key, n.participant_id) > ({query.arg(after.name_key)}, {query.arg(after.participant_id, '::uuid')})"
    )
    named = " INTERSECT ".join(
        f"""SELECT n.name_key, n.participant_id FROM candidate_name_words n
            WHERE n.program_id = {program} AND n.word >= {(bound := query.arg(word))} AND n.word < {bound} || {_PREFIX_END}{start}"""
        for word in narrow
    )
    where = _conditions(query, filters, None, words=[word for word in filters.words if word not in narrow])
    bounded = f" LIMIT {query.arg(limit)}" if limit is not None else ""
    return (
        f"""SELECT {PAGE_COLUMNS} FROM (SELECT DISTINCT * FROM ({named}) named ORDER BY 1, 2) named
                CROSS JOIN LATERAL (SELECT * FROM candidates c WHERE c.participant_id = named.participant_id AND {where}) c
                ORDER BY named.name_key, named.participant_id{bounded}"""
    ), query.args


def _counted(statement: Statement) -> Statement:
    """How many rows a page's statement (without its bound) gives, up to ``COUNTED_UP_TO`` + 1."""
    query, args = statement
    return f"SELECT count(*) FROM ({query} LIMIT {COUNTED_UP_TO + 1}) counted", args


async def _fetch(connection: asyncpg.Connection, statement: Statement) -> list[asyncpg.Record]:
    query, args = statement
    return await connection.fetch(query, *args)
