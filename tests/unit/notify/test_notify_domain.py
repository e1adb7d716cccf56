"""Notify domain: who hears what, what it says, and retries."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import MatchParticipant, MatchProposed, ParticipantJoinedV1, SessionScheduled
from mesh_notify.domain.mails import context_of, recipients, render
from mesh_notify.domain.notification import MAX_ATTEMPTS, Contact, Notification, NotificationStatus
from tests.support.factories import joined, profile

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def contact(name: str, zone: str = "Europe/Berlin") -> Contact:
    return Contact(uuid.uuid4(), name, f"{name.lower()}@uni.example.edu", zone)


def notification(template: str, context: dict) -> Notification:
    return Notification(uuid.uuid4(), uuid.uuid4(), template, context, uuid.uuid4(), uuid.uuid4(), NOW)


def test_both_participants_hear_of_a_proposal_each_naming_the_other() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    event = MatchProposed(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="mentor_mentee",
        participants=[MatchParticipant(participant_id=a, role="mentor"), MatchParticipant(participant_id=b, role="mentee")],
        score=0.8,
        score_parts=[],
        proposed_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    assert recipients(event) == [(a, "match_proposed", b), (b, "match_proposed", a)]
    assert recipients(joined(a)) == [(a, "welcome", None)]
    # The reasons come from matching (details), not from the event, and the mail quotes them.
    message = render(
        notification("match_proposed", context_of(event) | {"reasons": ["both share goals: pass"]}),
        contact("Ada"),
        contact("Ben"),
        "http://matching",
    )
    assert "Meet Ben" in message.subject and "both share goals: pass" in message.body


def test_a_welcome_from_history_and_from_today_reads_the_same() -> None:
    a = uuid.uuid4()
    today = context_of(joined(a))
    history = context_of(ParticipantJoinedV1(participant_id=a, profile=profile(), joined_at=NOW))
    for context in (today, history):
        assert "Welcome to first-year-stem" == render(notification("welcome", context), contact("Ada"), None, "http://m").subject


def test_session_time_is_written_in_the_recipients_own_zone() -> None:
    event = SessionScheduled(
        session_id=uuid.uuid4(),
        match_id=uuid.uuid4(),
        program_id="p",
        participant_ids=[uuid.uuid4(), uuid.uuid4()],
        sequence=1,
        starts_at=datetime(2026, 1, 7, 17, tzinfo=UTC),
        ends_at=datetime(2026, 1, 7, 18, tzinfo=UTC),
        meeting_mode="online",
        cadence="weekly",
    )
    message = render(
        notification("session_scheduled", context_of(event)),
        contact("Ada", "America/New_York"),
        contact("Ben"),
        "http://matching",
    )
    assert "Session 1 with Ben" in message.subject
    assert "12:00 EST" in message.body and "13:00 EST" in message.body and "online" in message.body


def test_failed_deliveries_back_off_then_give_up() -> None:
    n = notification("welcome", {})
    first = n.failed_attempt("connection refused", NOW)
    second = first.failed_attempt("connection refused", NOW)
    assert first.status is NotificationStatus.PENDING
    assert first.next_attempt_at == NOW + timedelta(minutes=1)
    assert second.next_attempt_at == NOW + timedelta(minutes=2)
    for _ in range(MAX_ATTEMPTS - 2):
        second = second.failed_attempt("connection refused", NOW)
    assert second.status is NotificationStatus.FAILED and second.attempts == MAX_ATTEMPTS


def test_a_decline_is_told_to_the_other_and_an_expiry_to_both() -> None:
    from mentoring_contracts import MatchDeclined, MatchExpired

    a, b = uuid.uuid4(), uuid.uuid4()
    declined = MatchDeclined(match_id=uuid.uuid4(), program_id="p", participant_ids=[a, b], declined_by=a, declined_at=NOW)
    assert recipients(declined) == [(b, "match_declined", a)]
    expired = MatchExpired(match_id=uuid.uuid4(), program_id="p", participant_ids=[a, b], accepted_by=[b], expired_at=NOW)
    assert recipients(expired) == [(a, "match_expired", b), (b, "match_expired", a)]
    message = render(notification("match_expired", context_of(expired)), contact("Ada"), contact("Ben"), "http://m")
    assert "Ben" in message.subject and "place is free again" in message.body


def test_an_ended_match_is_told_to_whoever_did_not_end_it() -> None:
    from mentoring_contracts import MatchEnded

    a, b = uuid.uuid4(), uuid.uuid4()
    by_a = MatchEnded(
        match_id=uuid.uuid4(), program_id="p", participant_ids=[a, b], outcome="ended_early", ended_by=a, ended_at=NOW
    )
    assert recipients(by_a) == [(b, "match_ended", a)]
    by_program = by_a.model_copy(update={"ended_by": None, "outcome": "completed"})
    assert [r[0] for r in recipients(by_program)] == [a, b]
    details = {"reason": "participant left the program"}  # read from matching
    message = render(notification("match_ended", context_of(by_a) | details), contact("Ben"), contact("Ada"), "http://m")
    assert "participant left the program" in message.body and "new partner" in message.body


def test_a_refusal_quoting_the_address_is_kept_without_it() -> None:
    from mesh_notify.application.deliver_notification import without_contact

    ada = contact("Ada")
    refused = f"SMTPRecipientsRefused: {{'{ada.email.upper()}': (550, b'5.1.1 <{ada.email}>: mailbox unavailable for Ada')}}"
    kept = without_contact(refused, ada)
    assert ada.email not in kept.lower() and "Ada" not in kept and "mailbox unavailable" in kept
