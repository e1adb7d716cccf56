"""One of the pair accepts, declines or ends a match: the second acceptance forms the pair, a decline or
an end gives both places back and offers them again at once, and each is announced once."""

import uuid
from datetime import timedelta

import pytest

from mentoring_contracts import MatchAccepted, MatchDeclined, MatchEnded, MatchProposed
from mesh_matching.application.answer_match import accept_match, decline_match, end_match
from mesh_matching.application.errors import MatchClosed, MatchNotFound, NotAParticipant, ReasonRequired
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import MatchStatus
from tests.support.factories import mentor_profile, profile
from tests.support.fakes.matching import FakeMatchingUnitOfWork


async def proposed_pair(uow: FakeMatchingUnitOfWork) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    mentor, mentee = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1)), Candidate(uuid.uuid4(), profile())
    await register_candidate(uow, mentor)
    [match] = await register_candidate(uow, mentee)
    return match.match_id, mentor.participant_id, mentee.participant_id


async def test_the_second_acceptance_forms_the_pair_and_says_what_scheduling_needs(uow) -> None:
    match_id, mentor, mentee = await proposed_pair(uow)
    first = await accept_match(uow, match_id, mentor)
    assert first.status is MatchStatus.PROPOSED and uow.of_type(MatchAccepted) == []
    uow.clock.advance(timedelta(hours=1))
    formed = await accept_match(uow, match_id, mentee)
    assert formed.status is MatchStatus.ACCEPTED and formed.formed_at == uow.clock.now()
    [accepted] = uow.of_type(MatchAccepted)
    assert accepted.accepted_at == uow.clock.now()
    assert {(s.participant_id, s.role, s.time_zone) for s in accepted.participants} == {
        (mentor, "mentor", "Europe/Berlin"),
        (mentee, "mentee", "Europe/Berlin"),
    }
    assert await accept_match(uow, match_id, mentee) == formed and len(uow.of_type(MatchAccepted)) == 1  # again: nothing new


async def test_a_decline_frees_both_places_and_offers_them_again_at_once_to_anyone_but_each_other(uow) -> None:
    match_id, mentor, mentee = await proposed_pair(uow)
    other_mentee = Candidate(uuid.uuid4(), profile())
    await register_candidate(uow, other_mentee)  # waits: the mentor's one place is taken
    declined = await decline_match(uow, match_id, mentee, "not now")
    assert declined.status is MatchStatus.DECLINED and declined.closing_reason == "not now"
    [event] = uow.of_type(MatchDeclined)
    assert event.declined_by == mentee and event.declined_at == uow.clock.now()
    rematch = uow.of_type(MatchProposed)[-1]
    assert {p.participant_id for p in rematch.participants} == {mentor, other_mentee.participant_id}
    assert await uow.candidates.room(mentee) == 1  # free again, and never proposed the same mentor again


async def test_an_answer_to_a_lapsed_or_closed_match_or_by_someone_else_is_refused(uow) -> None:
    match_id, mentor, mentee = await proposed_pair(uow)
    with pytest.raises(NotAParticipant):
        await accept_match(uow, match_id, uuid.uuid4())
    with pytest.raises(MatchNotFound):
        await accept_match(uow, uuid.uuid4(), mentor)
    uow.clock.advance(timedelta(days=8))
    with pytest.raises(MatchClosed):
        await accept_match(uow, match_id, mentor)


async def test_one_of_a_formed_pair_ends_it_and_the_other_is_offered_a_rematch(uow) -> None:
    match_id, mentor, mentee = await proposed_pair(uow)
    with pytest.raises(MatchClosed):  # not a formed pair yet
        await end_match(uow, match_id, mentee, "ended_early", None)
    for person in (mentor, mentee):
        await accept_match(uow, match_id, person)
    other_mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1, display_name="Cleo M."))
    await register_candidate(uow, other_mentor)  # waits: nobody free
    ended = await end_match(uow, match_id, mentor, "ended_early", "changed jobs")
    assert ended.status is MatchStatus.ENDED
    [event] = uow.of_type(MatchEnded)
    assert (event.outcome, event.ended_by, event.cause) == ("ended_early", mentor, "pair")
    rematch = uow.of_type(MatchProposed)[-1]
    assert {p.participant_id for p in rematch.participants} == {mentee, other_mentor.participant_id}


async def test_staff_end_a_pair_only_early_and_with_a_reason(uow) -> None:
    match_id, mentor, mentee = await proposed_pair(uow)
    for person in (mentor, mentee):
        await accept_match(uow, match_id, person)
    for outcome, reason in (("ended_early", None), ("completed", "they finished")):
        with pytest.raises(ReasonRequired):
            await end_match(uow, match_id, mentee, outcome, reason, by_staff=True)
    assert uow.of_type(MatchEnded) == []
    await end_match(uow, match_id, mentee, "ended_early", "they stopped meeting", by_staff=True)
    assert len(uow.of_type(MatchEnded)) == 1
