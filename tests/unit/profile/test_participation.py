"""A person's own participations: those of their account, and those a roster made for their vouched
address on their campuses, waiting to be claimed; nobody else's."""

import uuid
from datetime import UTC, datetime, timedelta

from mesh_profile.domain.participant import join
from mesh_profile.domain.participation import ParticipationState, participations
from mesh_profile.domain.program import create
from tests.support.factories import mentor_profile, profile
from tests.unit.profile.test_eligibility import program

NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)
ME, EMAIL = "ada-account", "Ada@Uni.Example.edu"


def member(program_id: str, days: int, subject: str | None = ME, **overrides):
    return join(
        uuid.uuid4(),
        profile(program_id=program_id, email=overrides.pop("email", "ada@uni.example.edu"), **overrides),
        NOW + timedelta(days=days),
        institution="northbridge",
        subject=subject,
    )[0]


PROGRAMS = {
    program_id: create(program_id, "northbridge", program(name=name), (), NOW)[0]
    for program_id, name in (("stem", "STEM peers"), ("writing", "Writing circle"), ("roster", "Rostered"))
}


def test_a_person_sees_their_participations_and_the_rosters_profiles_waiting_for_them_in_the_order_they_came() -> None:
    active = member("stem", 2)
    left, _ = member("writing", 1).leave("graduated", NOW + timedelta(days=3))
    waiting = member("roster", 5, subject=None)
    found = participations([waiting, active, left], PROGRAMS, subject=ME, email=EMAIL, campuses=["north"])
    assert [(p.program_id, p.program_name, p.state) for p in found] == [
        ("writing", "Writing circle", ParticipationState.LEFT),
        ("stem", "STEM peers", ParticipationState.ACTIVE),
        ("roster", "Rostered", ParticipationState.WAITING_FOR_YOU),
    ]
    assert found[0].left_at == NOW + timedelta(days=3) and found[1].left_at is None
    assert (found[1].participant_id, found[1].roles, found[1].campus, found[1].joined_at) == (
        active.participant_id,
        ("mentee",),
        "north",
        NOW + timedelta(days=2),
    )


def test_nobody_elses_profile_nor_one_they_cannot_claim_is_theirs() -> None:
    someone_else = member("stem", 1, subject="other-account")
    another_address = member("roster", 1, subject=None, email="grace@uni.example.edu")
    other_campus = member("writing", 1, subject=None, campus="south")
    left_unclaimed, _ = member("roster", 1, subject=None).leave(None, NOW)
    erased, _ = member("stem", 1).erase(NOW)
    found = participations(
        [someone_else, another_address, other_campus, left_unclaimed, erased],
        PROGRAMS,
        subject=ME,
        email=EMAIL,
        campuses=["north"],
    )
    assert found == []
    waiting = member("roster", 1, subject=None)
    assert participations([waiting], PROGRAMS, subject=ME, email=None, campuses=["north"]) == []  # no vouched address
    assert len(participations([other_campus], PROGRAMS, subject=ME, email=EMAIL, campuses=["north", "south"])) == 1


def test_a_closed_program_and_a_mentoring_awaiting_approval_are_shown() -> None:
    closed = {"stem": PROGRAMS["stem"].close("end of term", NOW)[0]}
    mentor, _ = join(
        uuid.uuid4(), mentor_profile(program_id="stem"), NOW, institution="northbridge", subject=ME, approval_needed=True
    )
    [found] = participations([mentor], closed, subject=ME, email=None, campuses=["north"])
    assert (found.program_open, found.mentoring, found.roles) == (False, "awaiting_approval", ("mentor",))
    [unknown_program] = participations([member("gone", 1)], {}, subject=ME, email=None, campuses=[])
    assert unknown_program.program_name == "gone" and unknown_program.state is ParticipationState.ACTIVE
