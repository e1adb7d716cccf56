"""Erasure in notify, step by step on the fake unit of work: remembered at the service's time, no
further mail to them, their name and address gone, their notifications and others' that quote them
keeping only what counts, their preferences gone, published events about them purged, and a
confirmation whether or not notify held anything, again when told again."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mentoring_contracts import ParticipantErased, ParticipantErasureConfirmed
from mesh_notify.adapters.events import HANDLERS, on_participant_erased
from mesh_notify.domain.notification import Contact, Notification, NotificationStatus
from mesh_notify.domain.preferences import Preference
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.notify import FakeNotifyUnitOfWork

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
ADA = Contact(uuid.uuid4(), "Ada L.", "ada@uni.example.edu", "Europe/Berlin", subject="ada")
BEN = Contact(uuid.uuid4(), "Ben M.", "ben@uni.example.edu", "Europe/Berlin", subject="ben")


@pytest.fixture
async def uow() -> FakeNotifyUnitOfWork:
    uow = FakeNotifyUnitOfWork(FixedClock(NOW))
    for contact in (ADA, BEN):
        await uow.contacts.upsert(contact)
    return uow


def erasure(contact: Contact) -> ParticipantErased:
    return ParticipantErased(participant_id=contact.participant_id, erased_at=NOW - timedelta(days=1))


async def mail(uow: FakeNotifyUnitOfWork, to: Contact, about: Contact, context: dict, sent: bool) -> Notification:
    planned = Notification(
        uuid.uuid4(),
        to.participant_id,
        "match_ended",
        context | {"partner_id": str(about.participant_id)},
        uuid.uuid4(),
        uuid.uuid4(),
        NOW - timedelta(hours=1),
        next_attempt_at=NOW,
    )
    await uow.notifications.add(planned.sent(NOW) if sent else planned)
    return planned


async def test_each_step_of_an_erasure_and_its_confirmation_by_the_service_clock(uow) -> None:
    words = {"outcome": "ended_early", "reason": "Ada moved away", "reasons": ["Ada's secret goal"]}
    to_ada_sent = await mail(uow, ADA, BEN, words, sent=True)
    to_ada_pending = await mail(uow, ADA, BEN, words, sent=False)
    to_ben = await mail(uow, BEN, ADA, words, sent=False)
    await uow.preferences.set(ADA.participant_id, Preference("matches", enabled=False))

    await HANDLERS[ParticipantErased](uow.handling(), erasure(ADA))

    assert uow.erasures.erased == {ADA.participant_id: NOW}  # when notify forgot, by its own clock
    assert await uow.contacts.get(ADA.participant_id) is None and await uow.contacts.get(BEN.participant_id) == BEN
    rows = uow.notifications.rows
    assert rows[to_ada_sent.notification_id].status is NotificationStatus.SENT  # what counts stays
    assert rows[to_ada_pending.notification_id].status is NotificationStatus.FAILED  # never sent now
    assert rows[to_ada_pending.notification_id].last_error == "recipient erased: not sent"
    assert all(rows[n.notification_id].context == {} for n in (to_ada_sent, to_ada_pending))
    kept = rows[to_ben.notification_id]
    assert kept.status is NotificationStatus.PENDING and kept.context["reasons"] == [] and "reason" not in kept.context
    assert kept.context["outcome"] == "ended_early"  # what is nobody's words stays
    assert await uow.preferences.get(ADA.participant_id, "matches") == Preference("matches")
    assert uow.purged == [ADA.participant_id]
    [confirmed] = uow.emitted
    assert isinstance(confirmed.event, ParticipantErasureConfirmed) and confirmed.event.service == "notify"
    assert confirmed.event.confirmed_at == NOW and confirmed.causation_id == uow.cause.causation_id
    assert confirmed.event.erased == [
        "name and email address",
        "notification contents and addresses",
        "mentions in others' notifications",
    ]


async def test_an_erasure_of_someone_notify_never_knew_or_told_again_is_confirmed_with_nothing_erased(uow) -> None:
    stranger = Contact(uuid.uuid4(), "Cy", "cy@uni.example.edu", "UTC")
    await on_participant_erased(uow.handling(), erasure(stranger))
    await on_participant_erased(uow.handling(), erasure(BEN))
    uow.clock.advance(timedelta(hours=1))
    await on_participant_erased(uow.handling(), erasure(BEN))  # redelivered
    assert [(e.event.participant_id, e.event.erased) for e in uow.emitted] == [
        (stranger.participant_id, []),
        (BEN.participant_id, ["name and email address"]),
        (BEN.participant_id, []),
    ]
    assert uow.erasures.erased[BEN.participant_id] == NOW  # remembered once, when first told
