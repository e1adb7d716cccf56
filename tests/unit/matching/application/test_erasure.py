"""Erasure in matching, on the fake unit of work: the erased person's open match closes and their
partner is free again, their profile keeps only what identifies nobody, the reasons quoting them go,
and the erasure is remembered at the service's time and confirmed; told again, it changes nothing
more; a join or profile update from history read after it stores nothing of them and proposes nobody."""

import uuid
from datetime import UTC, datetime, timedelta

from mentoring_contracts import (
    MatchDeclined,
    MatchProposed,
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantJoinedV1,
    ParticipantProfileUpdatedV1,
)
from mesh_matching.adapters.events import on_participant_erased, on_participants_joined, on_profile_updated
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.handlers import Delivered
from tests.support.factories import mentor_profile, profile
from tests.support.fakes.matching import FakeMatchingUnitOfWork


def erasure(participant_id: uuid.UUID) -> ParticipantErased:
    return ParticipantErased(participant_id=participant_id, erased_at=datetime(2026, 3, 1, tzinfo=UTC))


async def proposed_pair(uow: FakeMatchingUnitOfWork) -> tuple[Candidate, Candidate]:
    mentor, mentee = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1)), Candidate(uuid.uuid4(), profile(), "ada")
    await register_candidate(uow, mentor)
    await register_candidate(uow, mentee)
    assert len(uow.of_type(MatchProposed)) == 1
    return mentor, mentee


async def test_an_erased_candidate_is_withdrawn_anonymised_and_their_reasons_go_and_matching_confirms(uow) -> None:
    mentor, mentee = await proposed_pair(uow)
    uow.clock.advance(timedelta(hours=1))

    await on_participant_erased(uow, erasure(mentee.participant_id))

    [declined] = uow.of_type(MatchDeclined)
    assert declined.declined_by == mentee.participant_id
    assert await uow.candidates.room(mentor.participant_id) == 1 and await uow.candidates.room(mentee.participant_id) == 0
    kept = await uow.candidates.get(mentee.participant_id)
    assert kept.profile.display_name == "Erased participant" and kept.profile.goals == [] and kept.subject is None
    assert all(not k.pair.reasons for k in uow.matches.kept.values())
    assert uow.erasures.erased == {mentee.participant_id: uow.clock.now()}
    confirmed = uow.emitted[-1]
    assert isinstance(confirmed, ParticipantErasureConfirmed)
    assert (confirmed.service, confirmed.confirmed_at) == ("matching", uow.clock.now())
    assert confirmed.erased == [
        "name and email",
        "profile free text",
        "account link",
        "match reasons and the reasons given for declining or ending",
    ]


async def test_an_erasure_told_again_changes_nothing_more_and_is_confirmed_with_nothing_erased(uow) -> None:
    _, mentee = await proposed_pair(uow)
    await on_participant_erased(uow, erasure(mentee.participant_id))
    anonymised = await uow.candidates.get(mentee.participant_id)
    emitted = len(uow.emitted)
    uow.clock.advance(timedelta(hours=1))

    await on_participant_erased(uow, erasure(mentee.participant_id))

    assert await uow.candidates.get(mentee.participant_id) == anonymised  # the same version: no replica drops its decode
    [again] = uow.emitted[emitted:]
    assert isinstance(again, ParticipantErasureConfirmed) and again.erased == []
    assert uow.erasures.erased[mentee.participant_id] == uow.clock.now() - timedelta(hours=1)  # remembered once


async def test_an_erasure_of_someone_matching_never_knew_is_confirmed_with_nothing_erased(uow) -> None:
    nobody = uuid.uuid4()
    await on_participant_erased(uow, erasure(nobody))
    [confirmed] = uow.emitted
    assert isinstance(confirmed, ParticipantErasureConfirmed) and confirmed.erased == []
    assert nobody in uow.erasures.erased


async def test_a_join_or_update_from_history_read_after_the_erasure_stores_nothing_and_proposes_nobody(uow) -> None:
    mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=2))
    await register_candidate(uow, mentor)
    known, stranger = await proposed_pair(uow)
    for erased in (known.participant_id, stranger := uuid.uuid4()):
        await on_participant_erased(uow, erasure(erased))
    anonymised = await uow.candidates.get(known.participant_id)
    emitted = len(uow.emitted)

    for who in (known.participant_id, stranger):
        await on_profile_updated(
            uow, ParticipantProfileUpdatedV1(participant_id=who, profile=profile(), updated_at=datetime.now(UTC))
        )
        join = ParticipantJoinedV1(participant_id=who, profile=profile(), joined_at=datetime.now(UTC))
        await on_participants_joined(uow, [Delivered(join, uow.cause)])

    assert await uow.candidates.get(known.participant_id) == anonymised
    assert await uow.candidates.get(stranger) is None
    assert uow.emitted[emitted:] == []  # nobody proposed to them
