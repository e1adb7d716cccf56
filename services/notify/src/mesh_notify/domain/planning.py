"""Who is told about which event: the business rule of who hears what."""

from typing import Any
from uuid import UUID

from mentoring_contracts import (
    AgreementProposed,
    AgreementSet,
    Event,
    MatchAccepted,
    MatchArranged,
    MatchDeclined,
    MatchEnded,
    MatchExpired,
    MatchNudged,
    MatchProposed,
    MatchStalled,
    ParticipantJoined,
    ParticipantJoinedV1,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)


def recipients(event: Event) -> list[tuple[UUID, str, UUID | None]]:
    """(recipient, template, partner) for each notification an event causes."""
    if isinstance(event, ParticipantJoined | ParticipantJoinedV1):
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
    if isinstance(event, SessionRescheduled):  # both: the one who moved it gets the updated invitation too
        return _both(event.participant_ids, "session_rescheduled")
    if isinstance(event, SessionMissed):
        return _both(event.participant_ids, "session_missed")
    if isinstance(event, AgreementProposed):  # the other one is asked to confirm
        return [(pid, "agreement_proposed", event.proposed_by) for pid in event.participant_ids if pid != event.proposed_by]
    if isinstance(event, AgreementSet) and event.participant_ids:
        return _both(event.participant_ids, "agreement_set")
    if isinstance(event, MatchStalled):
        return _both(event.participant_ids, "pair_dormant")
    if isinstance(event, MatchArranged):  # a proposal like any other, made by a coordinator: both are asked
        return _both([p.participant_id for p in event.participants], "match_arranged")
    if isinstance(event, MatchNudged):
        return _both(event.participant_ids, "pair_nudged")
    if isinstance(event, SessionScheduled | SessionCompleted):
        template = "session_scheduled" if isinstance(event, SessionScheduled) else "session_completed"
        return _both(event.participant_ids, template)
    return []


def context_of(event: Event) -> dict[str, Any]:
    """What a message may say, kept with it: the event, less anyone's account id (a mail never needs it)."""
    return _without_subjects(event.model_dump(mode="json"))


def _without_subjects(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_subjects(item) for key, item in value.items() if key != "subject"}
    if isinstance(value, list):
        return [_without_subjects(item) for item in value]
    return value


def _both(ids: list[UUID], template: str) -> list[tuple[UUID, str, UUID | None]]:
    first, second = ids
    return [(first, template, second), (second, template, first)]


def mentioned_ids(event: Event) -> set[UUID]:
    """Every participant an event names, by whatever field."""
    return {named for recipient, _, partner in recipients(event) for named in (recipient, partner) if named}
