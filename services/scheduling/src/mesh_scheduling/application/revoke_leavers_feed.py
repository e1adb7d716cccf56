"""Use case: a participant left their program; their private calendar feed stops working.

A feed URL is a credential that outlives nothing it was made for: once its owner has left, it opens
no calendar (security review L12). Their sessions end when matching ends their pairs (MatchEnded)."""

from mentoring_contracts import ParticipantLeft
from mesh_scheduling.application.ports import SchedulingUnitOfWork


async def revoke_leavers_feed(uow: SchedulingUnitOfWork, left: ParticipantLeft) -> bool:
    """Whether they had a feed; handling the event again finds none and changes nothing."""
    return await uow.calendar_feeds.revoke(left.participant_id)
