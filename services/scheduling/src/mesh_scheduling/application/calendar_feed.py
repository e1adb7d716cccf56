"""Use cases: a participant makes their private calendar feed (a new one revokes the old URL), or
revokes it. The token in its URL is the credential: only its hash is kept."""

import secrets
from uuid import UUID

from mesh_scheduling.application.errors import NoCalendarFeed
from mesh_scheduling.application.ports import SchedulingUnitOfWork

TOKEN_BYTES = 32  # 256 bits


async def renew_calendar_feed(uow: SchedulingUnitOfWork, participant_id: UUID) -> str:
    """The new feed's token; whatever URL they had before opens nothing from now on."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await uow.calendar_feeds.replace(participant_id, token, uow.clock.now())
    return token


async def revoke_calendar_feed(uow: SchedulingUnitOfWork, participant_id: UUID) -> None:
    """NoCalendarFeed when they had none."""
    if not await uow.calendar_feeds.revoke(participant_id):
        raise NoCalendarFeed(f"participant {participant_id} has no calendar feed")
