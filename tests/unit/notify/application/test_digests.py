"""A coordinator's daily digest on the fake unit of work: asked for with the token's address and
campuses (refused without them), lasting 90 days from the service's today, sent once a local day at
their hour, tried again at the next look when the mail server fails, and stopped."""

from datetime import UTC, date, datetime, timedelta

import pytest

from mesh_notify.application.errors import NoCampus, NoDigest, NoVerifiedEmail
from mesh_notify.application.send_digests import send_due_digests
from mesh_notify.application.subscribe_to_digest import subscribe_to_digest
from mesh_notify.application.unsubscribe_from_digest import unsubscribe_from_digest
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.notify import FakeMailer, FakeNotifyUnitOfWork

SEVEN_IN_BERLIN = datetime(2026, 3, 2, 6, tzinfo=UTC)
NORTH = frozenset({"north"})


async def test_a_digest_needs_an_address_and_a_campus_and_lasts_ninety_days_from_the_clocks_today() -> None:
    uow = FakeNotifyUnitOfWork(FixedClock(SEVEN_IN_BERLIN))
    with pytest.raises(NoVerifiedEmail, match="no verified email"):
        await subscribe_to_digest(uow, "cole", None, NORTH, frozenset(), "Europe/Berlin", 8)
    with pytest.raises(NoCampus, match="no campus"):
        await subscribe_to_digest(uow, "cole", "cole@uni.example.edu", frozenset(), frozenset(), "Europe/Berlin", 8)
    stored = await subscribe_to_digest(uow, "cole", "cole@uni.example.edu", NORTH, frozenset(), "Europe/Berlin", 8)
    assert stored.expires_on == date(2026, 5, 31) and stored.campuses == NORTH
    await unsubscribe_from_digest(uow, "cole")
    with pytest.raises(NoDigest):
        await unsubscribe_from_digest(uow, "cole")


async def test_a_digest_comes_once_a_local_day_at_its_hour_and_again_after_a_failed_send() -> None:
    uow = FakeNotifyUnitOfWork(FixedClock(SEVEN_IN_BERLIN))
    await subscribe_to_digest(uow, "cole", "cole@uni.example.edu", NORTH, frozenset(), "Europe/Berlin", 8)
    mailer = FakeMailer()
    assert await send_due_digests(uow, mailer) == 0  # 07:00: before their hour
    uow.clock.advance(timedelta(hours=1))
    mailer.refuse = ConnectionRefusedError("down")
    assert await send_due_digests(uow, mailer) == 0  # tried, not marked
    mailer.refuse = None
    assert await send_due_digests(uow, mailer) == 1
    assert await send_due_digests(uow, mailer) == 0  # once a day
    [digest] = mailer.sent
    assert digest.to_email == "cole@uni.example.edu" and digest.message.subject.endswith("2026-03-02")
    assert digest.message_id.startswith("<digest-2026-03-02-")
    uow.clock.advance(timedelta(days=1))
    assert await send_due_digests(uow, mailer) == 1
