"""A proposal nobody completed in time lapses and both places go back to the pool at once; a match
that stops gives back only the places it held."""

import uuid
from datetime import timedelta

from mentoring_contracts import MatchDeclined, MatchExpired, MatchProposed, ProgramDefinition
from mesh_matching.application.answer_match import accept_match
from mesh_matching.application.expire_proposals import expire_proposals
from mesh_matching.application.places import close_match
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.application.self_selection import request_partners
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import PROPOSAL_LIFETIME, MatchStatus
from tests.support.factories import mentor_profile, profile

PROGRAM = "first-year-stem"


async def test_a_proposal_expires_only_once_its_time_is_up_and_the_places_are_offered_again(uow) -> None:
    mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1))
    first, second = Candidate(uuid.uuid4(), profile()), Candidate(uuid.uuid4(), profile())
    for person in (mentor, first, second):
        await register_candidate(uow, person)
    [match] = uow.matches.all()
    await accept_match(uow, match.match_id, mentor.participant_id)  # half-accepted: still lapses
    uow.clock.advance(PROPOSAL_LIFETIME - timedelta(seconds=1))
    assert await expire_proposals(uow, PROGRAM) == 0
    uow.clock.advance(timedelta(seconds=1))
    assert await expire_proposals(uow, PROGRAM) == 1
    assert await expire_proposals(uow, PROGRAM) == 0  # once
    [expired] = uow.of_type(MatchExpired)
    assert expired.expired_at == uow.clock.now() and expired.accepted_by == [mentor.participant_id]
    assert (await uow.matches.get_for_update(match.match_id)).status is MatchStatus.EXPIRED
    rematch = uow.of_type(MatchProposed)[-1]  # the mentor's place goes to the mentee who waited
    assert {p.participant_id for p in rematch.participants} == {mentor.participant_id, second.participant_id}


async def test_closing_a_proposal_gives_both_places_back_and_a_request_gives_back_none(uow) -> None:
    mentor = Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1))
    mentee = Candidate(uuid.uuid4(), profile())
    await uow.programs.define(PROGRAM, _choosing(), uow.clock.now())  # participants ask: matching proposes nobody
    for person in (mentor, mentee):
        await register_candidate(uow, person)
    [asked] = await request_partners(uow, mentee.participant_id, [mentor.participant_id])
    assert asked.match is not None and not asked.match.holds_places
    rooms = {pid: await uow.candidates.room(pid) for pid in (mentor.participant_id, mentee.participant_id)}
    now = uow.clock.now()
    declined = asked.match.decline(mentor.participant_id, now, None)
    event = MatchDeclined(
        match_id=declined.match_id,
        program_id=PROGRAM,
        participant_ids=list(declined.participants),
        declined_by=mentor.participant_id,
        declined_at=now,
    )
    assert await close_match(uow, asked.match, declined, event, now) == []
    assert {pid: await uow.candidates.room(pid) for pid in rooms} == rooms  # it held none, so none come back
    assert uow.of_type(MatchDeclined) == [event]


def _choosing() -> ProgramDefinition:
    return ProgramDefinition.model_validate(
        {
            "name": "STEM",
            "setting": "academic",
            "campuses": ["north"],
            "matching_mode": "mentor_mentee",
            "matchmaking": "self_selection",
        }
    )
