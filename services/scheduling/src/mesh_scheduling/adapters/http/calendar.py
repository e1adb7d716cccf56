"""A participant's private calendar feed: made (or replaced, which revokes the old URL) and revoked
by its owner; read by their calendar app with no token but the unguessable one in its URL."""

from uuid import UUID

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from mesh_runtime.dependencies import ComponentsDep, PrincipalDep, error_responses
from mesh_runtime.identity.claims import is_institution_id
from mesh_scheduling.adapters.access import require_own_feed
from mesh_scheduling.adapters.http import queries
from mesh_scheduling.adapters.http.dependencies import Uow
from mesh_scheduling.adapters.ical import feed
from mesh_scheduling.application.calendar_feed import renew_calendar_feed, revoke_calendar_feed
from mesh_scheduling.application.errors import NoCalendarFeed
from mesh_scheduling.settings import settings_of

router: APIRouter = APIRouter(tags=["calendars"])
public_router: APIRouter = APIRouter(tags=["calendars"])  # the feed itself: its URL is the credential
CALENDAR_TYPE = "text/calendar; charset=utf-8"
LONGEST_TOKEN = 100  # what renew_calendar_feed makes is 43 characters


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
async def make_feed(participant_id: UUID, uow: Uow, components: ComponentsDep, principal: PrincipalDep) -> FeedView:
    await require_own_feed(uow.connection, principal, participant_id)
    token = await renew_calendar_feed(uow, participant_id)
    base_url = settings_of(components).calendar_base_url.rstrip("/")
    return FeedView(url=f"{base_url}/calendars/{principal.institution}/{token}.ics")


@router.delete(
    "/participants/{participant_id}/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404),
    summary="Revoke your calendar feed URL",
)
async def revoke_feed(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> None:
    await require_own_feed(uow.connection, principal, participant_id)
    await revoke_calendar_feed(uow, participant_id)


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
    # No caller, so no unit of work of the caller's: read in the institution the URL names.
    if not is_institution_id(institution) or len(token) > LONGEST_TOKEN:
        raise NoCalendarFeed("no such calendar feed")
    async with components.database.transaction(institution) as transaction:
        sessions = await queries.feed(transaction.connection, token)
    if sessions is None:
        raise NoCalendarFeed("no such calendar feed")
    body = feed(sessions, "Peer mentoring")
    return Response(body, media_type=CALENDAR_TYPE, headers={"Cache-Control": "private, max-age=300"})
