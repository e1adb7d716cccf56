"""A participant's private calendar feed: made (or replaced, which revokes the old URL) and revoked
by its owner; read by their calendar app with no token but the unguessable one in its URL."""

import secrets
from uuid import UUID

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from mesh_runtime.dependencies import ComponentsDep, PrincipalDep, error_responses
from mesh_runtime.identity import Decision, Principal, Tenancy, decide
from mesh_runtime.identity.claims import is_institution_id
from mesh_scheduling.adapters.agreements_store import PostgresCalendarFeeds
from mesh_scheduling.adapters.ical import feed
from mesh_scheduling.adapters.postgres import session_from_row
from mesh_scheduling.settings import SchedulingSettings

router = APIRouter(tags=["calendars"])
public_router = APIRouter(tags=["calendars"])  # the feed itself: its URL is the credential
CALENDAR_TYPE = "text/calendar; charset=utf-8"


class FeedView(BaseModel):
    url: str = Field(
        description="Subscribe to it in any calendar app. Anyone with it reads your sessions: "
        "keep it private; making a new one revokes this one."
    )


@router.post(
    "/participants/{participant_id}/calendar-feed",
    responses=error_responses(403, 404),
    summary="Make your private calendar feed URL (a new one revokes the old)",
)
async def make_feed(participant_id: UUID, components: ComponentsDep, principal: PrincipalDep) -> FeedView:
    token = secrets.token_urlsafe(32)  # 256 bits
    async with components.database.transaction(principal.institution) as transaction:
        await _require_own(transaction.connection, principal, participant_id)
        await PostgresCalendarFeeds(transaction.connection).replace(participant_id, token, components.clock.now())
    settings = components.settings
    assert isinstance(settings, SchedulingSettings)
    return FeedView(url=f"{settings.calendar_base_url.rstrip('/')}/calendars/{principal.institution}/{token}.ics")


@router.delete(
    "/participants/{participant_id}/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404),
    summary="Revoke your calendar feed URL",
)
async def revoke_feed(participant_id: UUID, components: ComponentsDep, principal: PrincipalDep) -> None:
    async with components.database.transaction(principal.institution) as transaction:
        await _require_own(transaction.connection, principal, participant_id)
        if not await PostgresCalendarFeeds(transaction.connection).revoke(participant_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"participant {participant_id} has no calendar feed")


@public_router.get(
    "/calendars/{institution}/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "The participant's sessions, RFC 5545."},
        404: {"description": "No such feed (never made, or revoked)."},
    },
    summary="A private calendar feed",
)
async def read_feed(institution: str, token: str, components: ComponentsDep) -> Response:
    if not is_institution_id(institution) or len(token) > 100:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such calendar feed")
    async with components.database.transaction(institution) as transaction:
        owner = await PostgresCalendarFeeds(transaction.connection).owner(token)
        if owner is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such calendar feed")
        rows = await transaction.connection.fetch(
            "SELECT * FROM sessions WHERE $1 = ANY(participant_ids) ORDER BY starts_at", owner
        )
    body = feed(((session_from_row(row), row["updated_at"]) for row in rows), "Peer mentoring")
    return Response(body, media_type=CALENDAR_TYPE, headers={"Cache-Control": "private, max-age=300"})


async def _require_own(connection, principal: Principal, participant_id: UUID) -> None:  # type: ignore[no-untyped-def]
    """Only the participant themself: their account is bound to a pair they are in. To whom the access
    rule hides them (on no campus of the caller's), they are as unknown as someone in no pair."""
    members = await connection.fetch(
        "SELECT p.program_id, m->>'subject' AS subject, m->>'campus' AS campus FROM pairs p, "
        "jsonb_array_elements(p.members) m WHERE m->>'participant_id' = $1::text",
        str(participant_id),
    )
    subjects = frozenset(row["subject"] for row in members if row["subject"])
    hidden = (
        not members
        or decide(
            principal,
            Tenancy(
                principal.institution,
                frozenset(row["campus"] for row in members if row["campus"]),
                members[0]["program_id"],
                subjects,
            ),
        )
        is Decision.HIDDEN
    )
    if hidden:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"participant {participant_id} is in no pair here yet")
    if principal.subject not in subjects:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the participant themself manages their calendar feed")
