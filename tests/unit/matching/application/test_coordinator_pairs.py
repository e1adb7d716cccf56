"""A coordinator's own hand in pairs: a proposal by hand is refused where the platform's own rules would
be broken (each refusal its own kind), and a pair is nudged at most once a day."""

import uuid
from datetime import timedelta

import pytest

from mentoring_contracts import MatchArranged, MatchNudged, ProgramClosed, ProgramDefinition
from mesh_matching.application.answer_match import accept_match, decline_match, end_match
from mesh_matching.application.errors import (
    AlreadyMatched,
    NoRoom,
    NotAnActiveParticipant,
    NudgedRecently,
    PairEnded,
    PairExcluded,
    PairNotFormed,
    RolesDoNotFitByHand,
    SamePerson,
)
from mesh_matching.application.errors import (
    ProgramClosed as Closed,
)
from mesh_matching.application.follow_programs import close_program
from mesh_matching.application.nudge_pair import NUDGE_INTERVAL, nudge_pair
from mesh_matching.application.places import withdraw
from mesh_matching.application.propose_by_hand import propose_by_hand
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from tests.support.factories import mentor_profile, profile
from tests.support.fakes.matching import FakeMatchingUnitOfWork

PROGRAM = "first-year-stem"


@pytest.fixture
async def choosing(uow: FakeMatchingUnitOfWork) -> FakeMatchingUnitOfWork:
    """Participants choose their partners: matching proposes nobody, every pair here is the coordinator's."""
    definition = {"name": "STEM", "setting": "academic", "campuses": ["north"], "matching_mode": "mentor_mentee"}
    await uow.programs.define(
        PROGRAM, ProgramDefinition.model_validate(definition | {"matchmaking": "self_selection"}), uow.clock.now()
    )
    return uow


async def join(uow: FakeMatchingUnitOfWork, given) -> uuid.UUID:
    person = Candidate(uuid.uuid4(), given)
    await register_candidate(uow, person)
    return person.participant_id


async def by_hand(uow: FakeMatchingUnitOfWork, first: uuid.UUID, second: uuid.UUID, publish: bool = True):
    return await propose_by_hand(
        uow, uow.hands(), PROGRAM, (first, second), arranged_by="coordinator", note=None, publish=publish
    )


async def test_a_pair_proposed_by_hand_takes_both_places_and_is_announced_as_arranged(choosing) -> None:
    uow = choosing
    mentor, mentee = await join(uow, mentor_profile(mentor_capacity=1)), await join(uow, profile())
    preview = await by_hand(uow, mentor, mentee, publish=False)
    assert preview.match is None and uow.emitted == []  # a dry run changes nothing
    made = await by_hand(uow, mentor, mentee)
    [arranged] = uow.of_type(MatchArranged)
    assert arranged.match_id == made.match.match_id and arranged.arranged_by == "coordinator"
    assert await uow.candidates.room(mentor) == 0 and await uow.candidates.room(mentee) == 0
    again = await by_hand(uow, mentor, mentee)  # a retried request: answered with the same proposal
    assert again.replayed and again.match.match_id == made.match.match_id and len(uow.of_type(MatchArranged)) == 1


async def test_a_proposal_by_hand_is_refused_where_the_platforms_rules_would_be_broken(choosing) -> None:
    uow = choosing
    mentor = await join(uow, mentor_profile(mentor_capacity=1))
    mentee, other_mentee = await join(uow, profile()), await join(uow, profile())
    peer = await join(uow, profile(topics=[{"topic": "Chess", "role": "peer"}]))
    with pytest.raises(SamePerson):
        await by_hand(uow, mentee, mentee)
    with pytest.raises(NotAnActiveParticipant):
        await by_hand(uow, mentor, uuid.uuid4())
    with pytest.raises(RolesDoNotFitByHand):
        await by_hand(uow, mentee, other_mentee)
    match_id = (await by_hand(uow, mentor, mentee)).match.match_id
    with pytest.raises(NoRoom):  # the mentor's one place is taken
        await by_hand(uow, mentor, other_mentee)
    second_mentor = await join(uow, mentor_profile(mentor_capacity=1))
    with pytest.raises(AlreadyMatched) as refused:  # a mentee has one partner at a time
        await by_hand(uow, second_mentor, mentee)
    assert refused.value.members == {"participant_id": str(mentee)}
    await decline_match(uow, match_id, mentee, None)
    with pytest.raises(PairExcluded) as excluded:  # declined: never proposed again
        await by_hand(uow, mentor, mentee)
    assert excluded.value.members == {"match_id": str(match_id), "match_status": "declined"}
    await withdraw(uow, mentee, PROGRAM, "left", uow.clock.now())
    with pytest.raises(NotAnActiveParticipant):
        await by_hand(uow, second_mentor, mentee)
    await close_program(uow, ProgramClosed(program_id=PROGRAM, closed_at=uow.clock.now()))
    with pytest.raises(Closed):
        await by_hand(uow, second_mentor, peer)


async def test_a_formed_pair_is_nudged_at_most_once_a_day(choosing) -> None:
    uow = choosing
    mentor, mentee = await join(uow, mentor_profile(mentor_capacity=1)), await join(uow, profile())
    match_id = (await by_hand(uow, mentor, mentee)).match.match_id
    hands = uow.hands()
    with pytest.raises(PairNotFormed):
        await nudge_pair(uow, hands, match_id, nudged_by="coordinator", message=None)
    for person in (mentor, mentee):
        await accept_match(uow, match_id, person)
    first = await nudge_pair(uow, hands, match_id, nudged_by="coordinator", message="how is it going?")
    assert first.nudged_at == uow.clock.now()
    uow.clock.advance(NUDGE_INTERVAL - timedelta(minutes=1))
    with pytest.raises(NudgedRecently) as refused:
        await nudge_pair(uow, hands, match_id, nudged_by="admin", message=None)
    assert refused.value.members["next_allowed_at"] == first.nudged_at + NUDGE_INTERVAL
    assert refused.value.members["retry_after_seconds"] == 61
    uow.clock.advance(timedelta(minutes=1))
    await nudge_pair(uow, hands, match_id, nudged_by="admin", message=None)
    assert [(n.nudged_by, n.with_message) for n in uow.of_type(MatchNudged)] == [("coordinator", True), ("admin", False)]
    await end_match(uow, match_id, mentee, "completed", None)
    uow.clock.advance(NUDGE_INTERVAL)
    with pytest.raises(PairEnded):
        await nudge_pair(uow, hands, match_id, nudged_by="admin", message=None)
