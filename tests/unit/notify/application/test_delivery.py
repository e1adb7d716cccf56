"""What delivering the next due mail does, with a mailer that takes it or refuses it: sent (and
announced), tried again later after a temporary failure, given up at once when refused for good or
after the last attempt (and announced), held back by preferences, and failed when it cannot be
written. Always by the service's clock."""

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from mentoring_contracts import NotificationFailed, NotificationSent
from mesh_notify.application.deliver_notification import deliver_next
from mesh_notify.application.ports import RefusedForGood
from mesh_notify.domain.messages import Links
from mesh_notify.domain.notification import MAX_ATTEMPTS, Contact, Notification, NotificationStatus
from mesh_notify.domain.preferences import Preference, QuietHours
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.notify import FakeMailer, FakeNotifyUnitOfWork

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Berlin
LINKS = Links("http://matching.example", "http://scheduling.example")
ADA = Contact(uuid.uuid4(), "Ada L.", "ada@uni.example.edu", "Europe/Berlin", subject="ada")


@pytest.fixture
async def uow() -> FakeNotifyUnitOfWork:
    uow = FakeNotifyUnitOfWork(FixedClock(NOW))
    await uow.contacts.upsert(ADA)
    return uow


async def planned(uow: FakeNotifyUnitOfWork, template: str = "welcome", context: dict | None = None, **fields) -> Notification:
    notification = Notification(
        uuid.uuid4(),
        ADA.participant_id,
        template,
        {"attributes": {"program_id": "first-year-stem"}} if context is None else context,
        uuid.uuid4(),
        uuid.uuid4(),
        NOW - timedelta(minutes=5),
        **({"next_attempt_at": NOW - timedelta(minutes=5), "trace_parent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"} | fields),
    )
    await uow.notifications.add(notification)
    return notification


async def test_a_due_mail_is_sent_once_by_the_clock_and_the_delivery_is_announced_under_its_cause(uow) -> None:
    mail, mailer = await planned(uow), FakeMailer()
    sent = await deliver_next(uow, mailer, LINKS)
    assert sent.status is NotificationStatus.SENT and sent.sent_at == NOW and sent.attempts == 1
    [taken] = mailer.sent
    assert (taken.to_email, taken.message.subject) == ("ada@uni.example.edu", "Welcome to first-year-stem")
    assert taken.message_id == f"<{mail.notification_id}@mentoring-mesh>" and taken.trace_parent == mail.trace_parent
    [announced] = uow.emitted
    assert isinstance(announced.event, NotificationSent) and announced.event.sent_at == NOW
    assert (announced.correlation_id, announced.causation_id) == (mail.correlation_id, mail.caused_by_event_id)
    assert await deliver_next(uow, mailer, LINKS) is None and len(mailer.sent) == 1  # nothing due is left


async def test_a_mail_not_due_yet_or_to_someone_unknown_waits(uow) -> None:
    await planned(uow, next_attempt_at=NOW + timedelta(minutes=1))
    stranger = Notification(uuid.uuid4(), uuid.uuid4(), "welcome", {}, uuid.uuid4(), uuid.uuid4(), NOW, next_attempt_at=NOW)
    await uow.notifications.add(stranger)
    assert await deliver_next(uow, FakeMailer(), LINKS) is None


async def test_a_temporary_failure_is_tried_again_after_a_growing_pause_without_an_announcement(uow) -> None:
    await planned(uow)
    mailer = FakeMailer()
    mailer.refuse = ConnectionRefusedError("mail server down for <ada@uni.example.edu>")
    first = await deliver_next(uow, mailer, LINKS)
    assert first.status is NotificationStatus.PENDING and first.attempts == 1
    assert first.next_attempt_at == NOW + timedelta(minutes=1) and "<recipient address>" in first.last_error
    assert "ada@" not in first.last_error and uow.emitted == []
    assert await deliver_next(uow, mailer, LINKS) is None  # not due again before its pause ends
    uow.clock.advance(timedelta(minutes=1))
    second = await deliver_next(uow, mailer, LINKS)
    assert second.attempts == 2 and second.next_attempt_at == uow.clock.now() + timedelta(minutes=2)
    mailer.refuse = None
    uow.clock.advance(timedelta(minutes=2))
    assert (await deliver_next(uow, mailer, LINKS)).status is NotificationStatus.SENT
    assert uow.emitted_types() == ["NotificationSent"]


async def test_a_recipient_refused_for_good_is_given_up_at_once_and_announced_without_their_address(uow) -> None:
    await planned(uow)
    mailer = FakeMailer()
    mailer.refuse = RefusedForGood("550 5.1.1 <ADA@uni.example.edu>: no such user Ada L.")
    failed = await deliver_next(uow, mailer, LINKS)
    assert failed.status is NotificationStatus.FAILED and failed.attempts == 1 and failed.next_attempt_at is None
    [announced] = uow.emitted
    assert isinstance(announced.event, NotificationFailed) and announced.event.attempts == 1
    assert (
        "550" in announced.event.error and "ada@" not in announced.event.error.lower() and "Ada L." not in announced.event.error
    )


async def test_delivery_gives_up_after_the_last_attempt_and_announces_it(uow) -> None:
    await planned(uow, attempts=MAX_ATTEMPTS - 1)
    mailer = FakeMailer()
    mailer.refuse = TimeoutError("no answer")
    failed = await deliver_next(uow, mailer, LINKS)
    assert failed.status is NotificationStatus.FAILED and failed.attempts == MAX_ATTEMPTS
    [announced] = uow.emitted
    assert isinstance(announced.event, NotificationFailed) and announced.event.failed_at == NOW
    assert announced.event.error == "TimeoutError: no answer"


async def test_a_mail_whose_words_are_gone_fails_at_once_without_a_send(uow) -> None:
    await planned(uow, "match_proposed", {})
    mailer = FakeMailer()
    failed = await deliver_next(uow, mailer, LINKS)
    assert failed.status is NotificationStatus.FAILED and failed.last_error.startswith("cannot render match_proposed: KeyError")
    assert mailer.sent == [] and uow.emitted_types() == ["NotificationFailed"]


async def test_a_kind_turned_off_since_it_was_planned_is_cancelled_and_quiet_hours_begun_since_defer_it(uow) -> None:
    lapsed = await planned(uow, "match_expired", {"match_id": str(uuid.uuid4())})
    await uow.preferences.set(ADA.participant_id, Preference("matches", enabled=False))
    mailer = FakeMailer()
    cancelled = await deliver_next(uow, mailer, LINKS)
    assert cancelled.notification_id == lapsed.notification_id and cancelled.status is NotificationStatus.CANCELLED
    await uow.preferences.set(ADA.participant_id, Preference("matches", quiet_hours=QuietHours(time(9), time(12))))
    await planned(uow, "match_expired", {"match_id": str(uuid.uuid4())})
    deferred = await deliver_next(uow, mailer, LINKS)
    assert deferred.status is NotificationStatus.PENDING and deferred.attempts == 0
    assert deferred.next_attempt_at == datetime(2026, 3, 2, 11, tzinfo=UTC)  # 12:00 in Berlin
    assert mailer.sent == [] and uow.emitted == []


async def test_a_reminder_whose_session_has_begun_is_not_sent(uow) -> None:
    starts = NOW - timedelta(minutes=1)
    await planned(uow, "session_reminder_1h", {"starts_at": starts.isoformat()})
    cancelled = await deliver_next(uow, FakeMailer(), LINKS)
    assert (
        cancelled.status is NotificationStatus.CANCELLED
        and cancelled.last_error == "the session began before the reminder could go"
    )
