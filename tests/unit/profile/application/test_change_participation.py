"""A participant changes their profile, claims a roster's, is approved as a mentor, leaves; on the
in-memory unit of work."""

import uuid

import pytest

from mentoring_contracts import ParticipantJoined, ParticipantLeft, ParticipantProfileUpdated
from mesh_profile.application.change_participation import approve_mentoring, claim_profile, leave_program, update_profile
from mesh_profile.application.errors import (
    AlreadyClaimed,
    NotActive,
    NotVouched,
    NotYourCampus,
    NotYourEmail,
    NoVouchedEmail,
    ParticipantNotFound,
)
from mesh_profile.application.join_program import join_program
from mesh_profile.domain.participant import join
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION
from tests.unit.profile.application.given import a_program, person

ADA = "ada@uni.example.edu"


async def joined(uow, **overrides):
    await a_program(uow, capacity=[{"role": "mentee", "most": 5}])
    body = profile(email=ADA, **overrides)
    participant = await join_program(uow, body, institution=INSTITUTION, subject="ada", person=person(ADA, "north", "south"))
    uow.emitted.clear()
    return participant


async def test_a_participant_moves_only_to_a_campus_of_their_own_an_admin_anywhere(uow) -> None:
    participant = await joined(uow)
    south = participant.profile.model_copy(update={"campus": "south"})
    with pytest.raises(NotYourCampus, match="campus 'south' is not one of yours"):
        await update_profile(uow, participant.participant_id, south, person(ADA, "north"))
    assert uow.emitted == [] and (await uow.participants.get(participant.participant_id)).profile.campus == "north"
    moved = await update_profile(uow, participant.participant_id, south)  # an admin's change
    assert moved.profile.campus == "south"
    [updated] = uow.emitted
    assert isinstance(updated, ParticipantProfileUpdated) and updated.updated_at == uow.clock.now()


async def test_a_participant_keeps_their_email_or_takes_the_one_vouched_for(uow) -> None:
    participant = await joined(uow)
    elsewhere = participant.profile.model_copy(update={"email": "ada@elsewhere.example.org"})
    with pytest.raises(NotYourEmail):
        await update_profile(uow, participant.participant_id, elsewhere, person(ADA))
    with pytest.raises(NoVouchedEmail):
        await update_profile(uow, participant.participant_id, elsewhere, person(None))
    kept = participant.profile.model_copy(update={"goals": ["a research project"]})
    assert (await update_profile(uow, participant.participant_id, kept, person(None))).profile.goals == ["a research project"]
    staff = kept.model_copy(update={"affiliation": "staff"})
    with pytest.raises(NotVouched, match="affiliation"):  # their token says student
        await update_profile(uow, participant.participant_id, staff, person(ADA))
    assert (
        await update_profile(uow, participant.participant_id, staff, person(ADA, affiliation="staff"))
    ).profile.affiliation == "staff"


async def test_leaving_frees_the_seat_and_is_announced_once(uow) -> None:
    participant = await joined(uow)
    assert await uow.seats.limited("first-year-stem") == {"mentee": (5, 1)}
    left = await leave_program(uow, participant.participant_id, "graduated")
    assert left.left_reason == "graduated" and left.left_at == uow.clock.now()
    [event] = uow.emitted
    assert isinstance(event, ParticipantLeft) and "graduated" not in event.model_dump_json()
    assert await uow.seats.limited("first-year-stem") == {"mentee": (5, 0)}
    with pytest.raises(NotActive):
        await leave_program(uow, participant.participant_id, None)
    with pytest.raises(ParticipantNotFound):
        await leave_program(uow, uuid.uuid4(), None)


async def rostered(uow, campus: str = "north"):
    await a_program(uow)
    participant, _ = join(
        uuid.uuid4(), profile(email=ADA, campus=campus), uow.clock.now(), institution=INSTITUTION, subject=None, external_id="s1"
    )
    await uow.participants.add(participant)
    return participant


async def test_the_person_a_roster_brought_claims_their_profile_once(uow) -> None:
    participant = await rostered(uow)
    claimed = await claim_profile(uow, "first-year-stem", "ada", person(ADA))
    assert claimed.participant_id == participant.participant_id and claimed.subject == "ada"
    assert [type(event) for event in uow.emitted] == [ParticipantProfileUpdated]
    assert (await claim_profile(uow, "first-year-stem", "ada", person(ADA))).subject == "ada"  # again: nothing new
    assert len(uow.emitted) == 1
    with pytest.raises(AlreadyClaimed):
        await claim_profile(uow, "first-year-stem", "grace", person(ADA))


async def test_a_claim_needs_a_vouched_address_and_a_campus_of_their_own(uow) -> None:
    participant = await rostered(uow, campus="south")
    with pytest.raises(NoVouchedEmail, match="no verified email"):
        await claim_profile(uow, "first-year-stem", "ada", person(None))
    with pytest.raises(ParticipantNotFound):
        await claim_profile(uow, "first-year-stem", "ada", person("grace@uni.example.edu"))
    with pytest.raises(NotYourCampus):
        await claim_profile(uow, "first-year-stem", "ada", person(ADA, "north"))
    assert (await uow.participants.get(participant.participant_id)).subject is None and uow.emitted == []


async def test_an_approved_mentor_is_announced_with_their_mentoring(uow) -> None:
    await a_program(uow, mentors_need_approval=True)
    mentor = await join_program(uow, mentor_profile(email=ADA), institution=INSTITUTION, subject="ada", person=person(ADA))
    approved = await approve_mentoring(uow, mentor.participant_id)
    assert approved.mentoring == "approved" and approved.mentoring_approved_at == uow.clock.now()
    [event] = uow.emitted
    assert isinstance(event, ParticipantJoined) and [t.role for t in event.attributes.topics] == ["mentor"]
