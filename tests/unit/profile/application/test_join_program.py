"""Joining a program: who may, with what, and how often; on the in-memory unit of work."""

import pytest

from mentoring_contracts import ParticipantJoined
from mesh_profile.application.errors import (
    AlreadyJoined,
    NoPlaceLeft,
    NotEligible,
    NotVouchedOnJoin,
    NotYourCampus,
    NotYourEmail,
    NoVouchedEmail,
    ProgramClosedForChanges,
    ProgramNotFound,
)
from mesh_profile.application.join_program import join_program
from mesh_profile.application.manage_program import close_program
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION
from tests.unit.profile.application.given import a_program, person

ADA = "ada@uni.example.edu"


async def join(uow, body, who=None, subject: str = "ada-account"):
    return await join_program(uow, body, institution=INSTITUTION, subject=subject, person=who or person(ADA))


async def test_a_person_joins_as_their_institution_vouches_for_them_and_others_learn_it(uow) -> None:
    await a_program(uow)
    participant = await join(uow, profile(email="Ada@Uni.Example.edu"))
    assert participant.profile.email == ADA  # the institution's spelling, not the body's
    assert participant.profile.affiliation == "student" and participant.subject == "ada-account"
    assert await uow.participants.get(participant.participant_id) == participant
    [joined] = uow.emitted
    assert isinstance(joined, ParticipantJoined) and joined.participant_id == participant.participant_id
    assert joined.joined_at == participant.joined_at == uow.clock.now()


@pytest.mark.parametrize(
    ("who", "refusal", "says"),
    [
        (person(ADA, "south"), NotYourCampus, "campus 'north' is not one of yours"),
        (person(None), NoVouchedEmail, "vouches for no email address"),
        (person("grace@uni.example.edu"), NotYourEmail, "grace@uni.example.edu"),
    ],
)
async def test_a_person_joins_only_on_their_own_campus_with_their_own_address(uow, who, refusal, says) -> None:
    await a_program(uow)
    with pytest.raises(refusal, match=says):
        await join(uow, profile(email=ADA), who)
    assert not uow.participants.by_id and not uow.emitted


async def test_the_facts_rules_read_are_the_institutions_never_the_persons_own_word(uow) -> None:
    await a_program(uow)
    with pytest.raises(NotVouchedOnJoin, match="affiliation comes from your institution") as refused:
        await join(uow, profile(email=ADA, affiliation="staff"))
    assert refused.value.field == "affiliation"


async def test_the_program_must_exist_be_open_and_admit_the_profile_by_every_rule(uow) -> None:
    with pytest.raises(ProgramNotFound):
        await join(uow, profile(email=ADA))
    await a_program(
        uow, eligibility=[{"rule_id": "staff-only", "attribute": "affiliation", "operator": "equals", "value": "staff"}]
    )
    with pytest.raises(NotEligible) as refused:
        await join(uow, profile(email=ADA))
    assert type(refused.value) is NotEligible and [v.rule_id for v in refused.value.violations] == ["staff-only"]
    await close_program(uow, "first-year-stem", "the term ended")
    with pytest.raises(ProgramClosedForChanges):
        await join(uow, profile(email=ADA))


async def test_a_full_role_is_refused_as_no_place_left_and_its_seat_is_not_taken(uow) -> None:
    await a_program(uow, capacity=[{"role": "mentee", "most": 1}])
    await join(uow, profile(email="first@uni.example.edu"), person("first@uni.example.edu"), subject="first")
    with pytest.raises(NoPlaceLeft) as refused:
        await join(uow, profile(email=ADA))
    assert [v.rule_id for v in refused.value.violations] == ["capacity-mentee"]
    assert await uow.seats.limited("first-year-stem") == {"mentee": (1, 1)}


async def test_a_join_sent_again_by_the_same_account_is_told_the_participant_it_made(uow) -> None:
    await a_program(uow)
    first = await join(uow, profile(email=ADA))
    with pytest.raises(AlreadyJoined) as again:
        await join(uow, profile(email=ADA))
    assert again.value.yours and again.value.participant_id == first.participant_id
    with pytest.raises(AlreadyJoined) as other:  # someone else's account with that address: not told whose
        await join(uow, profile(email=ADA), subject="someone-else")
    assert not other.value.yours
    assert len(uow.emitted) == 1


async def test_a_mentor_awaiting_approval_is_not_announced_until_approved(uow) -> None:
    await a_program(uow, mentors_need_approval=True)
    participant = await join(uow, mentor_profile(email=ADA))
    assert participant.mentoring == "awaiting_approval" and uow.emitted == []
