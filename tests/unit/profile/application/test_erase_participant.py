"""Erasure's steps: profile erases its part at once, the other services confirm theirs, and it is
complete when every service holding personal data has; on the in-memory unit of work."""

import uuid
from datetime import timedelta

import pytest

from mentoring_contracts import ParticipantErased, ParticipantErasureConfirmed
from mesh_profile.adapters.events import HANDLERS
from mesh_profile.application.erase_participant import (
    SERVICES_HOLDING_PERSONAL_DATA,
    complete,
    confirm_erasure,
    erase_participant,
)
from mesh_profile.application.errors import ParticipantNotFound
from mesh_profile.application.join_program import join_program
from tests.support.factories import profile
from tests.support.identity import INSTITUTION
from tests.unit.profile.application.given import a_program, person

ADA = "ada@uni.example.edu"


async def a_participant(uow):
    await a_program(uow, capacity=[{"role": "mentee", "most": 5}])
    body = profile(email=ADA, display_name="Ada L.", goals=["finish my thesis"])
    participant = await join_program(uow, body, institution=INSTITUTION, subject="ada-account", person=person(ADA))
    uow.emitted.clear()
    return participant


def confirmation(participant_id, service: str, at) -> ParticipantErasureConfirmed:
    return ParticipantErasureConfirmed(
        participant_id=participant_id, service=service, erased=[f"{service} data"], confirmed_at=at
    )


async def test_profile_erases_its_part_at_once_and_tells_the_others(uow) -> None:
    participant = await a_participant(uow)
    erasure = await erase_participant(uow, participant.participant_id, "ada-account", by_admin=False)
    erased = await uow.participants.get(participant.participant_id)
    assert erased.status.value == "erased" and erased.subject is None
    assert "Ada L." not in erased.profile.model_dump_json() and ADA not in erased.profile.model_dump_json()
    assert erased.profile.goals == [] and erased.profile.campus == "north"  # the anonymous part stays
    assert [type(event) for event in uow.emitted] == [ParticipantErased] and uow.purged == [participant.participant_id]
    assert await uow.seats.limited("first-year-stem") == {"mentee": (5, 0)}
    assert erasure.requested_at == uow.clock.now() and erasure.confirmations == {"profile": uow.clock.now()}
    assert erasure.requested_by == "participant" and "ada-account" not in erasure.requester_digest
    assert erasure.requested_by_account("ada-account") and not erasure.requested_by_account("grace")
    assert not complete(erasure)


async def test_asking_again_answers_with_the_erasure_under_way(uow) -> None:
    participant = await a_participant(uow)
    first = await erase_participant(uow, participant.participant_id, "admin-account", by_admin=True)
    assert first.requested_by == "admin-account"
    uow.clock.advance(timedelta(hours=1))
    assert await erase_participant(uow, participant.participant_id, "ada-account", by_admin=False) == first
    assert len(uow.emitted) == 1
    with pytest.raises(ParticipantNotFound):
        await erase_participant(uow, uuid.uuid4(), "ada-account", by_admin=False)


async def test_it_is_complete_once_every_service_holding_personal_data_confirmed_the_first_word_kept(uow) -> None:
    participant = await a_participant(uow)
    await erase_participant(uow, participant.participant_id, "ada-account", by_admin=False)
    others = [service for service in SERVICES_HOLDING_PERSONAL_DATA if service != "profile"]
    confirmed_at = uow.clock.advance(timedelta(minutes=5))
    for service in others[:-1]:
        await confirm_erasure(uow, confirmation(participant.participant_id, service, confirmed_at))
    assert not complete(await uow.participants.erasure(participant.participant_id))
    on_confirmed = HANDLERS[ParticipantErasureConfirmed]  # the consumer's handler: the same step
    await on_confirmed(uow, confirmation(participant.participant_id, others[-1], confirmed_at))
    await on_confirmed(uow, confirmation(participant.participant_id, others[0], confirmed_at + timedelta(days=1)))  # late
    erasure = await uow.participants.erasure(participant.participant_id)
    assert complete(erasure) and set(erasure.confirmations) == set(SERVICES_HOLDING_PERSONAL_DATA)
    assert erasure.confirmations[others[0]] == confirmed_at and erasure.erased[others[-1]] == [f"{others[-1]} data"]
