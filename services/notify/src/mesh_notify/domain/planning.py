"""Who is told about which event: the business rule of who hears what."""

from typing import Any
from uuid import UUID

from mentoring_contracts import (
    Event,
    MatchAccepted,
    MatchDeclined,
    MatchEnded,
    MatchExpired,
    MatchProposed,
    ParticipantJoined,
    SessionCancelled,
    SessionCompleted,
    SessionScheduled,
)


def recipients(event: Event) -> list[tuple[UUID, str, UUID | None]]:
    """(recipient, template, partner) for each notification an event causes."""
    if isinstance(event, ParticipantJoined):
        return [(event.participant_id, "welcome", None)]
    if isinstance(event, MatchProposed | MatchAccepted):
        ids = [p.participant_id for p in event.participants]
        template = "match_proposed" if isinstance(event, MatchProposed) else "match_accepted"
        return _both(ids, template)
    if isinstance(event, MatchDeclined):  # the one who declined knows; the other is told
        return [(pid, "match_declined", event.declined_by) for pid in event.participant_ids if pid != event.declined_by]
    if isinstance(event, MatchExpired):
        return _both(event.participant_ids, "match_expired")
    if isinstance(event, MatchEnded):  # whoever ended it knows; a pair ended by the program both hear it
        return [told for told in _both(event.participant_ids, "match_ended") if told[0] != event.ended_by]
    if isinstance(event, SessionCancelled):
        return _both(event.participant_ids, "session_cancelled")
    if isinstance(event, SessionScheduled | SessionCompleted):
        template = "session_scheduled" if isinstance(event, SessionScheduled) else "session_completed"
        return _both(event.participant_ids, template)
    return []


def context_of(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")


def _both(ids: list[UUID], template: str) -> list[tuple[UUID, str, UUID | None]]:
    first, second = ids
    return [(first, template, second), (second, template, first)]
