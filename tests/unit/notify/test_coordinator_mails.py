"""Notify tells both of a pair a coordinator proposed by hand (MatchArranged) or checked in on
(MatchNudged): as a proposal and as a nudge, each of its kind of mail, with the coordinator's words
read from matching, and counted in a coordinator's digest."""

import uuid
from datetime import UTC, date, datetime, timedelta

from mentoring_contracts import MatchArranged, MatchNudged, MatchParticipant, ScorePart
from mesh_notify.domain.digest import DigestSubscription, digest_text
from mesh_notify.domain.mails import context_of, recipients, render
from mesh_notify.domain.preferences import kind_of
from tests.unit.notify.test_notify_domain import contact, notification

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
A, B = uuid.uuid4(), uuid.uuid4()


def arranged(**overrides) -> MatchArranged:
    return MatchArranged.model_validate(
        {
            "match_id": uuid.uuid4(),
            "program_id": "p",
            "topic_name": "Calculus II",
            "kind": "mentor_mentee",
            "participants": [
                MatchParticipant(participant_id=A, role="mentor"),
                MatchParticipant(participant_id=B, role="mentee"),
            ],
            "score": 0.42,
            "score_parts": [ScorePart(criterion="goals", weight=2.0, value=0.5)],
            "proposed_at": NOW,
            "expires_at": NOW + timedelta(days=7),
            "arranged_by": "coordinator",
            "overridden": ["no-shared-language"],
            "with_note": True,
        }
        | overrides
    )


def nudged(**overrides) -> MatchNudged:
    return MatchNudged.model_validate(
        {
            "match_id": uuid.uuid4(),
            "program_id": "p",
            "participant_ids": [A, B],
            "nudge_id": uuid.uuid4(),
            "nudged_by": "coordinator",
            "with_message": True,
            "dormant": False,
            "nudged_at": NOW,
        }
        | overrides
    )


def test_both_hear_of_a_hand_made_proposal_as_a_proposal_with_the_coordinators_note() -> None:
    event = arranged()
    assert recipients(event) == [(A, "match_arranged", B), (B, "match_arranged", A)]
    assert kind_of("match_arranged") == "matches"  # turned off with the other match mails
    details = {"reasons": ["both share goals: pass the exam"], "note": "You both row.\nMeet on Monday!"}
    message = render(notification("match_arranged", context_of(event) | details), contact("Ada"), contact("Ben"), "http://m")
    assert message.subject == "Meet Ben: a proposed mentoring match from your coordinator"
    body = message.body
    assert "a coordinator of your program proposes you and Ben as a pair for Calculus II (match score 0.42)" in body
    assert "Their note to you both:\n  You both row.\n  Meet on Monday!" in body
    assert "  - both share goals: pass the exam" in body
    assert f"Accept: POST http://m/matches/{event.match_id}/accept" in body and "open until Monday 12 January 2026" in body


def test_without_a_note_or_once_its_words_are_erased_the_mail_says_the_rest() -> None:
    event = arranged(with_note=False, arranged_by="admin")
    message = render(notification("match_arranged", context_of(event) | {"reasons": []}), contact("Ada"), None, "http://m")
    assert "note" not in message.body and "an administrator of your program proposes you and your match" in message.body
    assert "from your administrator" in message.subject


def test_both_of_a_pair_are_nudged_with_the_message_and_where_their_pair_is() -> None:
    event = nudged(dormant=True)
    assert recipients(event) == [(A, "pair_nudged", B), (B, "pair_nudged", A)]
    assert kind_of("pair_nudged") == "nudges"  # turned off with the dormant pair's nudge
    message = render(
        notification("pair_nudged", context_of(event) | {"message": "How are the sessions going?"}),
        contact("Ben"),
        contact("Ada"),
        "http://m",
    )
    assert message.subject == "Your coordinator checks in on you and Ada"
    assert "a coordinator of your program is checking in on your mentoring with Ada." in message.body
    assert "It has been a while since you two completed a session." in message.body
    assert "Their message:\n  How are the sessions going?" in message.body
    assert f"Your pair: GET http://m/matches/{event.match_id}" in message.body
    quiet = render(
        notification("pair_nudged", context_of(nudged(with_message=False))), contact("Ben"), contact("Ada"), "http://m"
    )
    assert "message" not in quiet.body and "a while" not in quiet.body


def test_the_events_name_no_one_and_quote_no_one() -> None:
    for event in (arranged(), nudged()):
        text = event.model_dump_json()
        assert "note" not in context_of(event) and "message" not in context_of(event)
        assert "subject" not in text and "@" not in text


def test_a_coordinators_digest_counts_a_hand_made_proposal_as_a_proposal_and_counts_nudges() -> None:
    subscription = DigestSubscription(
        "cole", "cole@uni.example.edu", "Europe/Berlin", 8, frozenset({"north"}), expires_on=date(2026, 3, 1)
    )
    _, body = digest_text({"match_proposed": 2, "match_arranged": 1, "pair_nudged": 1}, 0, subscription, date(2026, 1, 5))
    assert "     3  matches proposed" in body and "     1  pairs a coordinator checked in on" in body
