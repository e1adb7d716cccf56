"""Which events make which mails, for whom and when, on the fake unit of work: the consumer's handler
(peers read first, then planning, then erased people stripped again), preferences and quiet hours,
a session's reminders and its story, news that came too late, and retired versions of events."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from mentoring_contracts import (
    AgreementSet,
    AgreementSetV1,
    Goal,
    MatchDeclined,
    MatchParticipant,
    MatchProposed,
    ParticipantErased,
    ParticipantProfileUpdated,
    SessionCancelled,
    SessionRescheduled,
    SessionRescheduledV1,
    SessionScheduled,
)
from mesh_notify.adapters.events import HANDLERS, on_mail_events, on_participant_erased
from mesh_notify.domain.mails import context_of, render
from mesh_notify.domain.notification import Contact, NotificationStatus
from mesh_notify.domain.preferences import Preference, QuietHours
from mesh_runtime.handlers import Delivered, consumed_events
from tests.support.factories import joined, profile
from tests.support.fakes.clock import FixedClock
from tests.support.fakes.notify import FakeNotifyUnitOfWork

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Berlin


@pytest.fixture
def uow() -> FakeNotifyUnitOfWork:
    return FakeNotifyUnitOfWork(FixedClock(NOW))


def person(name: str, zone: str = "Europe/Berlin") -> Contact:
    return Contact(uuid.uuid4(), name, f"{name.lower()}@uni.example.edu", zone, subject=f"{name.lower()}-account", campus="north")


async def known(uow: FakeNotifyUnitOfWork, *people: Contact) -> None:
    for contact in people:
        await uow.contacts.upsert(contact)


async def handle(uow: FakeNotifyUnitOfWork, event, **cause) -> list[tuple[str, str, str | None]]:
    """As the consumer does; returns (recipient's name, template, partner's name) of each one planned by it."""
    before = set(uow.notifications.rows)
    await on_mail_events(uow.handling(**cause), [Delivered(event, uow.cause)])  # type: ignore[arg-type]  # the fake stands in
    names = {c.participant_id: c.display_name for c in uow.contacts.by_id.values()}
    return [
        (names.get(n.recipient_id, "?"), n.template, names.get(uuid.UUID(p)) if (p := n.context.get("partner_id")) else None)
        for n in uow.notifications.rows.values()
        if n.notification_id not in before
    ]


def proposal(a: Contact, b: Contact) -> MatchProposed:
    return MatchProposed(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="peer",
        participants=[MatchParticipant(participant_id=c.participant_id, role="peer") for c in (a, b)],
        score=0.8,
        score_parts=[],
        proposed_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )


def scheduled(a: Contact, b: Contact, starts_at: datetime, session_id: uuid.UUID | None = None) -> SessionScheduled:
    return SessionScheduled(
        session_id=session_id or uuid.uuid4(),
        match_id=uuid.uuid4(),
        program_id="p",
        participant_ids=[a.participant_id, b.participant_id],
        sequence=1,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        meeting_mode="online",
        cadence="weekly",
    )


def moved(event: SessionScheduled, to: datetime, revision: int | None = 1, model=SessionRescheduled) -> SessionRescheduled:
    return model(
        session_id=event.session_id,
        match_id=event.match_id,
        program_id="p",
        participant_ids=event.participant_ids,
        starts_at=to,
        ends_at=to + timedelta(hours=1),
        previous_starts_at=event.starts_at,
        rescheduled_by=event.participant_ids[0],
        revision=revision,
        meeting_mode="online",
    )


async def test_a_joiner_is_welcomed_and_becomes_a_contact_as_profile_has_them(uow) -> None:
    ada = person("Ada")
    event = joined(ada.participant_id)
    uow.peers.contacts[ada.participant_id] = ada
    assert await handle(uow, event, trace_parent="00-" + "a" * 32 + "-" + "b" * 16 + "-01") == [("Ada", "welcome", None)]
    assert await uow.contacts.get(ada.participant_id) == ada
    [welcome] = uow.notifications.rows.values()
    assert (welcome.caused_by_event_id, welcome.correlation_id) == (uow.cause.causation_id, uow.cause.correlation_id)
    assert welcome.trace_parent == uow.cause.trace_parent  # its delivery continues the event's trace
    assert welcome.created_at == welcome.next_attempt_at == NOW  # by the service's clock


async def test_both_of_a_pair_hear_of_a_proposal_with_matchings_reasons_and_a_decline_only_the_other(uow) -> None:
    ada, ben = person("Ada"), person("Ben")
    await known(uow, ada, ben)
    event = proposal(ada, ben)
    uow.peers.details[event.match_id] = {"reasons": ["both share goals: pass"], "reason": None}
    assert await handle(uow, event) == [("Ada", "match_proposed", "Ben"), ("Ben", "match_proposed", "Ada")]
    assert all(n.context["reasons"] == ["both share goals: pass"] for n in uow.notifications.rows.values())
    declined = MatchDeclined(
        match_id=event.match_id,
        program_id="p",
        participant_ids=[ada.participant_id, ben.participant_id],
        declined_by=ada.participant_id,
        declined_at=NOW,
    )
    assert await handle(uow, declined) == [("Ben", "match_declined", "Ada")]


async def test_a_changed_address_is_told_at_the_new_one_and_at_the_old_one(uow) -> None:
    ada = person("Ada")
    await known(uow, ada)
    uow.peers.contacts[ada.participant_id] = Contact(ada.participant_id, "Ada", "ada@new.example.edu", "Europe/Berlin")
    event = ParticipantProfileUpdated(participant_id=ada.participant_id, attributes=profile().attributes(), updated_at=NOW)
    assert await handle(uow, event) == [("Ada", "email_changed", None), ("Ada", "email_changed_away", None)]
    away = next(n for n in uow.notifications.rows.values() if n.template == "email_changed_away")
    assert away.context == {"send_to": "ada@uni.example.edu"}  # the old address, and nothing of the new
    assert (await uow.contacts.get(ada.participant_id)).subject == "ada-account"  # kept: profile's view carries none
    uow.peers.contacts[ada.participant_id] = Contact(ada.participant_id, "Ada", "ADA@new.example.edu", "Europe/Berlin")
    assert await handle(uow, event) == []  # the same address, however cased: nothing to tell


async def test_a_kind_turned_off_is_not_planned_and_quiet_hours_hold_one_until_their_end(uow) -> None:
    ada, ben = person("Ada"), person("Ben", "America/New_York")
    await known(uow, ada, ben)
    await uow.preferences.set(ada.participant_id, Preference("matches", enabled=False))
    await uow.preferences.set(ben.participant_id, Preference("matches", quiet_hours=QuietHours(time(3), time(7))))  # 04:00 there
    assert await handle(uow, proposal(ada, ben)) == [("Ben", "match_proposed", "Ada")]
    [held] = uow.notifications.rows.values()
    assert held.next_attempt_at == datetime(2026, 3, 2, 12, tzinfo=UTC)  # 07:00 in New York


async def test_a_session_brings_its_reminders_a_move_replaces_them_and_an_older_word_plans_nothing(uow) -> None:
    ada, ben = person("Ada"), person("Ben")
    await known(uow, ada, ben)
    first = scheduled(ada, ben, NOW + timedelta(days=3))
    assert sorted(t for _, t, _ in await handle(uow, first)) == sorted(
        2 * ["session_reminder_24h", "session_reminder_1h", "session_scheduled"]
    )
    later = moved(first, NOW + timedelta(days=4))
    assert sorted(t for _, t, _ in await handle(uow, later)) == sorted(
        2 * ["session_reminder_24h", "session_reminder_1h", "session_rescheduled"]
    )
    reminders = [n for n in uow.notifications.rows.values() if n.template.startswith("session_reminder")]
    assert sorted((n.session_revision, n.status.value) for n in reminders) == [
        *4 * [(0, "cancelled")],
        *4 * [(1, "pending")],
    ]
    assert await handle(uow, first) == []  # the scheduling again, after the move: too old to tell
    cancelled = SessionCancelled(
        session_id=first.session_id,
        match_id=first.match_id,
        program_id="p",
        participant_ids=first.participant_ids,
        cancelled_at=NOW,
    )
    assert [t for _, t, _ in await handle(uow, cancelled)] == 2 * ["session_cancelled"]  # without a revision: the last word
    assert not [n for n in uow.notifications.rows.values() if n.status is NotificationStatus.PENDING and "reminder" in n.template]
    assert await handle(uow, moved(first, NOW + timedelta(days=5), revision=9)) == []  # nothing after a cancel


async def test_news_that_waited_over_a_week_is_not_mailed_but_its_reminders_come(uow) -> None:
    ada, ben = person("Ada"), person("Ben")
    await known(uow, ada, ben)
    late = scheduled(ada, ben, NOW + timedelta(days=3))
    planned = await handle(uow, late, occurred_at=NOW - timedelta(days=8))
    assert sorted(t for _, t, _ in planned) == 2 * ["session_reminder_1h"] + 2 * ["session_reminder_24h"]


async def test_a_demo_clock_moved_weeks_ahead_makes_no_news_stale(uow) -> None:
    """Events are stamped by the machine's clock: how long one waited is read by it too."""
    ada, ben = person("Ada"), person("Ben")
    await known(uow, ada, ben)
    uow.clock.ahead = timedelta(days=30)  # the service's time runs a month ahead of the machine's
    assert len(await handle(uow, proposal(ada, ben), occurred_at=NOW - timedelta(days=30))) == 2


async def test_a_retired_move_is_told_as_a_move_and_a_retired_agreement_naming_no_pair_tells_nobody(uow) -> None:
    """History from before contracts 2.0 reaches the current version's handler (derived consumption)."""
    assert {SessionRescheduledV1, AgreementSetV1} <= set(consumed_events(HANDLERS))
    ada, ben = person("Ada"), person("Ben")
    await known(uow, ada, ben)
    first = scheduled(ada, ben, NOW + timedelta(days=3))
    await handle(uow, first)
    retired = moved(first, NOW + timedelta(days=4), revision=None, model=SessionRescheduledV1)
    retired = SessionRescheduledV1.model_validate(retired.model_dump() | {"reason": "exam moved"})
    told = await handle(uow, retired)
    assert sorted(t for _, t, _ in told) == 2 * ["session_reminder_1h"] + 2 * ["session_reminder_24h"] + 2 * [
        "session_rescheduled"
    ]
    [mail] = [n for n in uow.notifications.of(ada.participant_id) if n.template == "session_rescheduled"]
    as_current = replace(
        mail, context=context_of(moved(first, retired.starts_at, revision=None)) | {"partner_id": mail.context["partner_id"]}
    )
    assert render(mail, ada, ben, "http://m") == render(
        as_current, ada, ben, "http://m"
    )  # the same mail as the current version's

    old = AgreementSetV1(
        match_id=first.match_id,
        program_id="p",
        cadence="weekly",
        meeting_mode="online",
        set_by=ada.participant_id,
        set_at=NOW,
        goals=[Goal(description="pass the final")],
    )
    assert await handle(uow, old) == []  # it names no pair: nobody to tell, and no error
    named = AgreementSet(
        match_id=first.match_id,
        program_id="p",
        cadence="weekly",
        meeting_mode="online",
        set_by=ada.participant_id,
        set_at=NOW,
        goal_count=1,
        participant_ids=first.participant_ids,
    )
    assert [t for _, t, _ in await handle(uow, named)] == 2 * ["agreement_set"]


async def test_an_event_about_someone_erased_before_it_arrived_leaves_nothing_of_them(uow) -> None:
    ada, ben = person("Ada"), person("Ben")
    await known(uow, ada, ben)
    await on_participant_erased(uow.handling(), _erased(ada))
    event = proposal(ada, ben)
    uow.peers.details[event.match_id] = {"reasons": ["a secret goal of Ada's"]}
    await handle(uow, event)
    [to_ada] = uow.notifications.of(ada.participant_id)
    assert to_ada.status is NotificationStatus.FAILED and to_ada.context == {}  # never sent, and keeps nothing
    [to_ben] = uow.notifications.of(ben.participant_id)
    assert to_ben.status is NotificationStatus.PENDING and to_ben.context["reasons"] == []  # her words are gone
    assert await uow.contacts.get(ada.participant_id) is None


def _erased(contact: Contact) -> ParticipantErased:
    return ParticipantErased(participant_id=contact.participant_id, erased_at=NOW)
