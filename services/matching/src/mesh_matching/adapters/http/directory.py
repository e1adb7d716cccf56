"""The participants directory of the coordinators' console: a program's people, a page at a time, and
one participant's record with their matches and history.

Who may: an admin of the institution sees everyone; a coordinator of the program sees the people on
the campuses they coordinate (only those rows; a participant of another campus is not found, 404);
a participant is refused (403), and anyone of another institution finds nothing (404). Every read
of names and matches by staff is in the audit trail (``personal_data.read``)."""

import json
from datetime import datetime
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mesh_matching.adapters.access import participant_tenancy, program_tenancy
from mesh_matching.adapters.http.dependencies import Uow
from mesh_matching.adapters.http.participant_record import ParticipantRecord, ParticipantState, Role, read_record
from mesh_matching.adapters.http.queries_directory import (
    COUNTED_UP_TO,
    SORTED_UP_TO,
    Filters,
    directory_page,
    page_figures,
    place_of,
    search_words,
)
from mesh_matching.application.errors import ParticipantNotFound
from mesh_runtime import audit
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses
from mesh_runtime.identity import Principal
from mesh_runtime.keyset import BadCursor, KeysetCursors

router: APIRouter = APIRouter(tags=["participants directory"])
# A page's cursor names the last person it showed, by id (never their name: cursors travel in URLs);
# the next page starts after where that person stands now (``place_of``), so one renamed between two
# pages moves that place with them. It is bound to the list: the program and the filters.
CURSORS = KeysetCursors("mesh-matching/participants-directory/v1")

STATES_RULE = (
    "One state each, the first that holds: left (left the program, or erased), proposed (an open "
    "proposal of theirs awaits an answer), matched (in a formed pair that is not dormant), dormant (in "
    "formed pairs only, all found dormant and not active since), waiting (none of these). A mentor with "
    "several places is proposed while any proposal of theirs is open, else matched while any pair is active."
)


class ListedParticipant(BaseModel):
    participant_id: UUID
    display_name: str = Field(description="As they chose to be shown; 'Erased participant' once erased.")
    campus: str
    roles: list[Role] = Field(description="The roles they take in their topics, each once, in order.")
    state: ParticipantState = Field(description=STATES_RULE)
    joined_at: datetime | None = Field(description="When they joined (None: not known to matching).")
    waiting_since: datetime | None = Field(
        description="While waiting: since they joined, or since a match of theirs "
        "last closed, whichever is later. None in any other state."
    )
    declines: int = Field(description="Proposals they declined while in the program (not those closed by their leaving).")
    open_matches: int = Field(description="Their matches proposed or formed now.")


class DirectoryPage(BaseModel):
    participants: list[ListedParticipant]
    next: str | None = Field(
        description="Opaque: pass as `after` (with the same filters) for the next page; None after the last."
    )
    count: int | None = Field(
        description=f"How many people the filters select, on a first page (no `after`) when at "
        f"most {COUNTED_UP_TO}; None beyond that, on later pages, and for a search "
        f"whose every word starts more than {SORTED_UP_TO} names (not counted)."
    )


@router.get(
    "/programs/{program_id}/participants",
    summary="A program's participants, by name, a page at a time",
    description="Admins of the institution and the program's coordinators (their campuses only). Sorted by "
    "name (accents and case aside), then id; keyset paging with `after`. " + STATES_RULE,
    responses=error_responses(403, 404, 422),
)
async def participants(
    program_id: str,
    uow: Uow,
    principal: PrincipalDep,
    q: str | None = Query(
        default=None,
        max_length=100,
        description=(
            "Words of the name, each the start of a word of it (case and accents aside): 'gar' and "
            "'jose gar' both find José María García."
        ),
    ),
    campus: str | None = Query(
        default=None, max_length=100, description=("One campus; a coordinator's own only (another gives nobody).")
    ),
    role: Role | None = None,
    state: ParticipantState | None = None,
    after: str | None = Query(default=None, max_length=1024, description="`next` of the page before."),
    limit: int = Query(default=50, ge=1, le=100, description="People on a page."),
) -> DirectoryPage:
    list_key = list_key_of(program_id, q=q, campus=campus, role=role, state=state)
    shown_last = last_shown(after, list_key) if after is not None else None
    connection = uow.connection
    program = await program_tenancy(connection, program_id, principal.institution)
    # a program matching knows nothing of in this institution (no definition, nobody joined) does not exist here
    authorize(principal, program if program.campuses else None, f"program {program_id}", owners_may=False)
    start = await place_of(connection, program_id, shown_last) if shown_last else None
    if shown_last and start is None:
        raise BadCursor("the cursor names no one of this program: start again from the first page")
    filters = Filters(program_id, _campuses(principal, campus), state, role, await search_words(connection, q) if q else ())
    page = await directory_page(connection, filters, start, limit)
    figures = await page_figures(connection, [row["participant_id"] for row in page.rows])
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "participants",
        {principal.institution: [str(row["participant_id"]) for row in page.rows]},
    )
    listed = [_listed(row, figures[row["participant_id"]]) for row in page.rows]
    return DirectoryPage(
        participants=listed, count=page.count, next=cursor_for(page.rows[-1]["participant_id"], list_key) if page.more else None
    )


@router.get(
    "/programs/{program_id}/participants/{participant_id}",
    summary="A participant's record: profile in brief, every match, and their history",
    description="Admins of the institution and the program's coordinators of the participant's campus.",
    responses=error_responses(403, 404),
)
async def participant(program_id: str, participant_id: UUID, uow: Uow, principal: PrincipalDep) -> ParticipantRecord:
    tenancy = await participant_tenancy(uow.connection, participant_id)
    if tenancy is not None and tenancy.program_id != program_id:
        tenancy = None  # in another program: not found in this one
    authorize(principal, tenancy, f"participant {participant_id} in program {program_id}", owners_may=False)
    record = await read_record(uow.connection, participant_id)
    if record is None:
        raise ParticipantNotFound(f"no participant {participant_id}")
    people = [str(participant_id), *(str(match.partner.participant_id) for match in record.matches)]
    await audit.record_reads(uow.transaction, principal, uow.cause, "participants", {principal.institution: people})
    await audit.record_reads(
        uow.transaction,
        principal,
        uow.cause,
        "matches",  # their reasons quote people's words
        {principal.institution: [str(match.match_id) for match in record.matches]},
    )
    return record


def cursor_for(participant_id: UUID, list_key: str) -> str:
    """``list_key``: what the list is (``list_key_of``)."""
    return CURSORS.write(str(participant_id), list_key)


def last_shown(cursor: str, list_key: str) -> UUID:
    """Who the page before ended with; refused (``BadCursor``, 422) unless this list gave the cursor."""
    return CURSORS.read(cursor, list_key, UUID)


def list_key_of(program_id: str, **filters: str | None) -> str:
    """The program and the filters, in a fixed order (the search as typed: another search, another list)."""
    return json.dumps([program_id, sorted(filters.items())], ensure_ascii=False)


def _campuses(principal: Principal, campus: str | None) -> tuple[str, ...] | None:
    """Whose rows: an admin's, every campus (or the one asked); a coordinator's, the campuses they
    coordinate (of those, the one asked; another: nobody)."""
    if principal.is_admin:
        return None if campus is None else (campus,)
    mine = tuple(sorted(principal.campuses))
    return mine if campus is None else tuple(c for c in mine if c == campus)


def _listed(row: asyncpg.Record, figures: asyncpg.Record) -> ListedParticipant:
    waiting = row["state"] == "waiting"
    since = [at for at in (row["joined_at"], figures["last_closed_at"]) if at is not None]
    return ListedParticipant(
        participant_id=row["participant_id"],
        display_name=row["display_name"],
        campus=row["campus"],
        roles=row["roles"],
        state=row["state"],
        joined_at=row["joined_at"],
        waiting_since=max(since) if waiting and since else None,
        declines=figures["declines"],
        open_matches=figures["open_matches"],
    )
