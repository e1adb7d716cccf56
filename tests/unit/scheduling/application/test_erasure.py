"""A participant erased: what scheduling forgets of them, step by step, on the in-memory unit of
work; and an event about them that arrives after their erasure is stripped on the way in."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import ParticipantErased, ParticipantErasureConfirmed, Reflection
from mesh_runtime.handlers import Delivered
from mesh_scheduling.adapters.events import on_matches_accepted, on_participant_erased
from mesh_scheduling.application.agree import propose_agreement
from mesh_scheduling.application.cancel_session import cancel_session
from mesh_scheduling.application.complete_session import complete_session
from mesh_scheduling.domain.agreement import Goal, Terms
from tests.support.fakes.scheduling import ERASED, FakeSchedulingUnitOfWork
from tests.unit.scheduling.application.test_series import accepted, formed

TERMS = Terms((Goal("pass the Calculus II final"),), ("come prepared",), "weekly", "online", 60, None)


def erased(participant_id: uuid.UUID) -> ParticipantErased:
    return ParticipantErased(participant_id=participant_id, erased_at=datetime(2026, 3, 1, tzinfo=UTC))


async def test_an_erased_participant_loses_their_words_account_reasons_agreement_feed_and_kept_events() -> None:
    uow = FakeSchedulingUnitOfWork()
    event, first = await formed(uow)
    a, b = first.participant_ids
    await propose_agreement(uow, event.match_id, TERMS, a)
    uow.clock.advance(timedelta(days=2))
    await complete_session(uow, first.session_id, Reflection(participant_id=a, progress_rating=5, notes="My own words."))
    second = uow.sessions.of_match(event.match_id)[1]
    await cancel_session(uow, second.session_id, a, "my exam")
    await uow.calendar_feeds.replace(a, "token", uow.clock.now())
    uow.publish_all()
    uow.clock.advance(timedelta(days=30))

    await on_participant_erased(uow, erased(a))

    confirmed = uow.emitted[-1]
    assert isinstance(confirmed, ParticipantErasureConfirmed)
    assert (confirmed.participant_id, confirmed.service, confirmed.confirmed_at) == (a, "scheduling", uow.clock.now())
    assert confirmed.erased == [
        "reflection notes",
        "account link",
        "reasons given for cancelling",
        "agreements' goals and expectations",
        "calendar feed",
        "published events kept in the outbox",
    ]
    done = uow.sessions.by_id[first.session_id]
    assert [(r.notes, r.progress_rating) for r in done.reflections] == [(ERASED, 5)]  # the rating stays for statistics
    assert uow.pairs.by_match[event.match_id].subjects == (None, "bob")
    assert uow.sessions.by_id[second.session_id].cancel_reason == ERASED
    terms = (await uow.agreements.history(event.match_id))[0].terms
    assert [g.description for g in terms.goals] == [ERASED] and terms.expectations == ()
    assert await uow.calendar_feeds.owner("token") is None
    assert not any(str(a) in e.model_dump_json() for e in uow.published)
    assert uow.erasures.erased == {a: uow.clock.now()}
    assert b not in uow.erasures.erased


async def test_an_erasure_is_confirmed_even_when_scheduling_held_nothing_of_them() -> None:
    uow = FakeSchedulingUnitOfWork()
    nobody = uuid.uuid4()
    await on_participant_erased(uow, erased(nobody))
    assert len(uow.emitted) == 1
    confirmed = uow.emitted[0]
    assert isinstance(confirmed, ParticipantErasureConfirmed) and confirmed.erased == []
    assert confirmed.confirmed_at == uow.clock.now()  # the service's clock, not the wall clock
    await on_participant_erased(uow, erased(nobody))  # delivered again: confirmed again, nothing else
    assert [type(e) for e in uow.emitted] == [ParticipantErasureConfirmed] * 2


async def test_a_pair_formed_after_a_members_erasure_arrives_keeps_no_account_of_theirs() -> None:
    uow = FakeSchedulingUnitOfWork()
    event = accepted()
    a, b = (member.participant_id for member in event.participants)
    uow.profiles.subjects = {a: "alice", b: "bob"}  # profile still answered before it erased them
    await on_participant_erased(uow, erased(a))
    await on_matches_accepted(uow, [Delivered(event, uow.cause)])  # type: ignore[arg-type]  # the fake stands in for PostgreSQL
    assert uow.pairs.by_match[event.match_id].subjects == (None, "bob")
    assert uow.emitted_types() == ["ParticipantErasureConfirmed", "SessionScheduled"]
