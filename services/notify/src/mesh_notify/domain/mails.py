"""Every mail notify sends, in one table: the event that causes it, who is told (each with the partner
it is about), its kind (what a participant may turn off) and its words (``messages.py``). A new mail
is one entry here and one function there; the consumer reads every event this table names.

Retired versions of an event are told as their current version (an event's ``name`` names every
version): what a version lacks, it does not tell (an agreement from before contracts 2.2 names no pair)."""

from collections.abc import Callable
from dataclasses import dataclass
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
    ParticipantProfileUpdated,
    SessionCancelled,
    SessionCompleted,
    SessionMissed,
    SessionRescheduled,
    SessionScheduled,
)
from mesh_notify.domain import messages
from mesh_notify.domain.invitations import invitation_of
from mesh_notify.domain.messages import Letter, Links, Message, Text
from mesh_notify.domain.notification import Contact, Notification

Told = tuple[UUID, UUID | None]  # a recipient, and the partner the mail is about (if any)


@dataclass(frozen=True, slots=True)
class Mail:
    template: str
    kind: str  # account mail is always sent; the other kinds a participant may turn off (preferences.KINDS)
    told: Callable[[Any], list[Told]]
    says: Text


def _pair(ids: list[UUID]) -> list[Told]:
    first, second = ids
    return [(first, second), (second, first)]


def _both(event: Any) -> list[Told]:
    return _pair(event.participant_ids)


def _both_matched(event: Any) -> list[Told]:
    return _pair([p.participant_id for p in event.participants])


def _the_other_of(field: str) -> Callable[[Any], list[Told]]:
    """The one who acted (``field``) knows: the other one is told."""
    return lambda event: [(told, getattr(event, field)) for told in event.participant_ids if told != getattr(event, field)]


def _whoever_did_not_end_it(event: MatchEnded) -> list[Told]:
    """Whoever ended it knows; a pair ended by the program both hear it."""
    return [told for told in _both(event) if told[0] != event.ended_by]


def _both_if_named(event: Any) -> list[Told]:
    return _both(event) if getattr(event, "participant_ids", None) else []


# The event, and the mail it causes (None: it causes none of its own, but notify reads it).
MAILS: dict[type[Event], Mail | None] = {
    ParticipantJoined: Mail("welcome", "account", lambda event: [(event.participant_id, None)], messages.welcome),
    # Contacts follow the profile: a changed address is told at both (ADDRESS_CHANGED, by planning).
    ParticipantProfileUpdated: None,
    MatchProposed: Mail("match_proposed", "matches", _both_matched, messages.match_proposed),
    # a proposal like any other, made by a coordinator: both are asked
    MatchArranged: Mail("match_arranged", "matches", _both_matched, messages.match_arranged),
    MatchAccepted: Mail("match_accepted", "matches", _both_matched, messages.match_accepted),
    MatchDeclined: Mail("match_declined", "matches", _the_other_of("declined_by"), messages.match_declined),
    MatchExpired: Mail("match_expired", "matches", _both, messages.match_expired),
    MatchEnded: Mail("match_ended", "matches", _whoever_did_not_end_it, messages.match_ended),
    MatchStalled: Mail("pair_dormant", "nudges", _both, messages.pair_dormant),
    MatchNudged: Mail("pair_nudged", "nudges", _both, messages.pair_nudged),
    # the other one is asked to confirm
    AgreementProposed: Mail("agreement_proposed", "agreements", _the_other_of("proposed_by"), messages.agreement_proposed),
    AgreementSet: Mail("agreement_set", "agreements", _both_if_named, messages.agreement_set),
    SessionScheduled: Mail("session_scheduled", "sessions", _both, messages.session_scheduled),
    # both: the one who moved it gets the updated invitation too
    SessionRescheduled: Mail("session_rescheduled", "sessions", _both, messages.session_rescheduled),
    SessionCancelled: Mail("session_cancelled", "sessions", _both, messages.session_cancelled),
    SessionCompleted: Mail("session_completed", "sessions", _both, messages.session_completed),
    SessionMissed: Mail("session_missed", "sessions", _both, messages.session_missed),
}

# Mails planning adds beside an event's own: a changed address, told at the new one and at the old
# one (naming neither); a session's reminders before it starts (reminders.LEADS).
ADDRESS_CHANGED = (
    Mail("email_changed", "account", lambda _: [], messages.email_changed),
    Mail("email_changed_away", "account", lambda _: [], messages.email_changed_away),
)
REMINDERS = (
    Mail("session_reminder_24h", "reminders", lambda _: [], messages.session_reminder),
    Mail("session_reminder_1h", "reminders", lambda _: [], messages.session_reminder),
)
BY_TEMPLATE: dict[str, Mail] = {mail.template: mail for mail in (*(m for m in MAILS.values() if m), *ADDRESS_CHANGED, *REMINDERS)}
_BY_NAME = {model.name: mail for model, mail in MAILS.items()}


def mail_of(event: Event) -> Mail | None:
    """The mail the event causes, whichever version of it this is."""
    return _BY_NAME.get(event.name)


def recipients(event: Event) -> list[tuple[UUID, str, UUID | None]]:
    """(recipient, template, partner) for each notification an event causes."""
    mail = mail_of(event)
    return [(recipient, mail.template, partner) for recipient, partner in mail.told(event)] if mail else []


def mentioned_ids(event: Event) -> set[UUID]:
    """Every participant an event names, by whatever field."""
    return {named for recipient, _, partner in recipients(event) for named in (recipient, partner) if named}


def context_of(event: Event) -> dict[str, Any]:
    """What a message may say, kept with it: the event, less anyone's account id (a mail never needs it)."""
    return _without_subjects(event.model_dump(mode="json"))


def _without_subjects(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_subjects(item) for key, item in value.items() if key != "subject"}
    if isinstance(value, list):
        return [_without_subjects(item) for item in value]
    return value


def render(
    notification: Notification, recipient: Contact, partner: Contact | None, links_base: str, scheduling_base: str | None = None
) -> Message:
    """The mail as its recipient reads it. ``links_base``: matching's public API; ``scheduling_base``:
    scheduling's (else the same). Raises KeyError (or ValueError) when its words are gone (erased)."""
    template = notification.template
    if (mail := BY_TEMPLATE.get(template)) is None:
        raise ValueError(f"no template {template!r}")
    partner_name = partner.display_name if partner else "your match"
    letter = Letter(
        notification.context,
        recipient,
        partner_name,
        Links(links_base, scheduling_base),
        notification.next_attempt_at or notification.created_at,
    )
    subject, words = mail.says(letter)
    body = f"Hello {recipient.display_name},\n\n" + words + "\n\n— Mentoring Mesh"
    return Message(subject=subject, body=body, invitation=invitation_of(template, notification.context, partner_name))
