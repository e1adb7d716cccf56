"""Notify domain: when reminders fall (local time, quiet hours, DST), what each kind is, the invitation a
session mail carries, and who hears of agreements, moves, missed sessions and dormant pairs."""

import dataclasses
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mentoring_contracts import AgreementProposed, MatchStalled, SessionCancelled, SessionRescheduled
from mesh_notify.adapters.invitations import invitation_ics
from mesh_notify.domain.invitations import invitation_of
from mesh_notify.domain.mails import context_of, recipients, render
from mesh_notify.domain.preferences import Preference, QuietHours, first_allowed, hold_until, kind_of
from mesh_notify.domain.reminders import reminder_moments
from tests.unit.notify.test_notify_domain import contact, notification

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = Preference("reminders", quiet_hours=QuietHours(time(22), time(7)))


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def local(moments: list[tuple[str, datetime]]) -> dict[str, str]:
    return {template: moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for template, moment in moments}


def test_reminders_fall_24_hours_and_1_hour_before_by_default() -> None:
    starts = berlin(2027, 3, 10, 18)
    assert local(reminder_moments(starts, berlin(2027, 3, 1, 9), Preference("reminders"), "Europe/Berlin")) == {
        "session_reminder_24h": "2027-03-09 18:00",
        "session_reminder_1h": "2027-03-10 17:00",
    }


def test_a_reminder_in_quiet_hours_waits_for_their_end_or_comes_before_them_when_the_end_is_too_late() -> None:
    early = berlin(2027, 3, 10, 7, 30)  # 1 h before is 06:30: quiet until 07:00, still before the start
    assert local(reminder_moments(early, berlin(2027, 3, 1), NIGHT, "Europe/Berlin"))["session_reminder_1h"] == "2027-03-10 07:00"
    dawn = berlin(2027, 3, 10, 6, 30)  # 1 h before is 05:30; 07:00 is after the start: the evening before instead
    assert local(reminder_moments(dawn, berlin(2027, 3, 1), NIGHT, "Europe/Berlin")) == {
        "session_reminder_24h": "2027-03-09 07:00",
        "session_reminder_1h": "2027-03-09 21:59",
    }


def test_the_24_hour_reminder_across_a_dst_change_is_24_real_hours_before() -> None:
    # Berlin moves to summer time early on 28 March 2027: 24 h before 18:00 CEST that day is 17:00 CET the day before
    starts = berlin(2027, 3, 28, 18)
    assert local(reminder_moments(starts, berlin(2027, 3, 1), Preference("reminders"), "Europe/Berlin")) == {
        "session_reminder_24h": "2027-03-27 17:00",
        "session_reminder_1h": "2027-03-28 17:00",
    }


def test_reminders_already_past_when_planned_are_not_sent_and_none_when_turned_off() -> None:
    starts = berlin(2027, 3, 10, 18)
    assert [t for t, _ in reminder_moments(starts, berlin(2027, 3, 10, 9), Preference("reminders"), "Europe/Berlin")] == [
        "session_reminder_1h"
    ]
    assert reminder_moments(starts, berlin(2027, 3, 1), Preference("reminders", enabled=False), "Europe/Berlin") == []


def test_quiet_hours_read_in_the_recipients_zone_and_within_a_day() -> None:
    office = Preference("matches", quiet_hours=QuietHours(time(12), time(13)))
    assert first_allowed(berlin(2027, 1, 4, 12, 30), office, "Europe/Berlin") == berlin(2027, 1, 4, 13)
    assert first_allowed(berlin(2027, 1, 4, 14), office, "Europe/Berlin") == berlin(2027, 1, 4, 14)
    assert first_allowed(berlin(2027, 1, 4, 23), NIGHT, "Europe/Berlin") == berlin(2027, 1, 5, 7)
    assert first_allowed(berlin(2027, 1, 4, 23), NIGHT, "America/New_York") == berlin(2027, 1, 4, 23)  # 17:00 there
    with pytest.raises(ValueError, match="differ"):
        QuietHours(time(9), time(9))


def test_every_template_has_a_kind_and_the_welcome_is_always_sent() -> None:
    assert kind_of("session_reminder_1h") == "reminders" and kind_of("pair_dormant") == "nudges"
    assert kind_of("agreement_proposed") == "agreements" and kind_of("welcome") == "account"


def test_the_other_one_is_asked_to_confirm_an_agreement_and_both_hear_of_a_dormant_pair() -> None:
    a, b, match = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    proposed = AgreementProposed(
        match_id=match, program_id="p", participant_ids=[a, b], agreement_version=2, proposed_by=a, proposed_at=datetime.now(UTC)
    )
    assert recipients(proposed) == [(b, "agreement_proposed", a)]
    now = datetime.now(UTC)
    stalled = MatchStalled(
        match_id=match,
        program_id="p",
        participant_ids=[a, b],
        last_activity_at=now - timedelta(days=30),
        dormant_at=now,
        ends_at=now + timedelta(days=14),
    )
    assert recipients(stalled) == [(a, "pair_dormant", b), (b, "pair_dormant", a)]
    assert (
        "keep your mentoring going"
        in render(notification("pair_dormant", context_of(stalled)), contact("Ada"), contact("Ben"), "http://m").body
    )


def test_a_move_carries_a_request_with_a_raised_sequence_and_a_cancel_cancels_the_same_uid() -> None:
    a, b, session = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    starts = berlin(2027, 3, 10, 18)
    moved = SessionRescheduled(
        session_id=session,
        match_id=uuid.uuid4(),
        program_id="p",
        participant_ids=[a, b],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        previous_starts_at=starts - timedelta(days=1),
        rescheduled_by=a,
        revision=2,
        meeting_mode="online",
    )
    message = render(notification("session_rescheduled", context_of(moved)), contact("Ada"), contact("Ben"), "http://m")
    assert message.invitation is not None and (message.invitation.method, message.invitation.sequence) == ("REQUEST", 2)
    parsed = icalendar.Calendar.from_ical(
        invitation_ics(
            message.invitation,
            organizer="Mesh <no-reply@mesh.example>",
            attendee_name="Ada",
            attendee_email="ada@uni.example.edu",
        )
    )
    event = parsed.walk("VEVENT")[0]
    assert (str(parsed["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", f"{session}@mentoring-mesh", 2)
    assert event.decoded("DTSTART") == starts and str(event["ORGANIZER"]) == "mailto:no-reply@mesh.example"
    assert str(event["ATTENDEE"]) == "mailto:ada@uni.example.edu"

    cancelled = SessionCancelled(
        session_id=session,
        match_id=moved.match_id,
        program_id="p",
        participant_ids=[a, b],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        cancelled_by=b,
        cancelled_at=datetime.now(UTC),
        revision=3,
    )
    cancel = invitation_of("session_cancelled", context_of(cancelled), "Ben")
    assert cancel is not None and (cancel.method, cancel.sequence, cancel.uid) == ("CANCEL", 3, f"{session}@mentoring-mesh")
    assert invitation_of("match_proposed", {}, "Ben") is None


def test_a_reminder_says_when_the_session_is_from_when_it_is_sent_in_the_recipients_zone() -> None:
    dawn = berlin(2027, 3, 10, 6, 30)
    [(_, moment)] = [m for m in reminder_moments(dawn, berlin(2027, 3, 1), NIGHT, "Europe/Berlin") if m[0].endswith("1h")]
    reminder = notification("session_reminder_1h", {"starts_at": dawn.isoformat()})
    reminder = dataclasses.replace(reminder, next_attempt_at=moment)  # the evening before, ahead of quiet hours
    message = render(reminder, contact("Ada"), contact("Ben"), "http://m")
    assert message.subject == "Reminder: session with Ben tomorrow at 06:30"
    same_day = dataclasses.replace(reminder, next_attempt_at=dawn - timedelta(hours=1))
    assert render(same_day, contact("Ada", "America/New_York"), contact("Ben"), "http://m").subject.endswith(
        "tomorrow at 00:30"
    )  # sent at 23:30 in New York, for 06:30 Berlin, 00:30 there


def test_news_of_a_session_before_the_quiet_end_goes_at_once_other_news_waits() -> None:
    quiet = Preference("sessions", quiet_hours=QuietHours(time(22), time(7)))
    late_evening = berlin(2027, 3, 9, 23)
    dawn = berlin(2027, 3, 10, 6, 30).isoformat()
    assert hold_until(late_evening, "session_cancelled", {"starts_at": dawn}, quiet, "Europe/Berlin") == late_evening
    moved_earlier = {"starts_at": berlin(2027, 3, 12, 18).isoformat(), "previous_starts_at": dawn}
    assert hold_until(late_evening, "session_rescheduled", moved_earlier, quiet, "Europe/Berlin") == late_evening
    later = {"starts_at": berlin(2027, 3, 12, 18).isoformat()}
    assert hold_until(late_evening, "session_scheduled", later, quiet, "Europe/Berlin") == berlin(2027, 3, 10, 7)
    assert hold_until(
        late_evening, "match_proposed", {"starts_at": dawn}, Preference("matches", quiet_hours=NIGHT.quiet_hours), "Europe/Berlin"
    ) == berlin(2027, 3, 10, 7)
