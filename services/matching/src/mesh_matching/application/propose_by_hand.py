"""Use case: a coordinator (or an admin) proposes two participants of a program as a pair by hand, as a
dry run (what the pair would be) or for real (a proposal like any other, announced as MatchArranged).

Hard refusals (``errors.HandProposalRefused``, each its own kind), where the platform's own rules would be broken:
- ``same-person``: one person named twice;
- ``program-closed``: the program makes no more matches;
- ``not-an-active-participant``: either is not (or no longer) taking part in this program;
- ``pair-excluded``: the two were proposed to each other before (declined, lapsed, ended, or open):
  matching never proposes a pair twice;
- ``roles-do-not-fit``: neither can mentor the other, and they are not both peers (``hand_pairing``);
- ``already-matched``: either already holds an open match in a role that allows one partner at a time
  (a mentee's, a peer's);
- ``no-room``: either has no place left (their capacity, or, to mentor, their mentor places), checked
  again when the places are taken: under the program's lock, by the database's own check, so that two
  coordinators or two replicas at once never overbook anyone.

Everything else is a warning the coordinator may knowingly override (``hand_pairing``): no rule of the
program's policy is hard here, since the policy says what matching may propose by itself.

A proposal made again while it is still open (a retried request) is answered with that proposal and
changes nothing (``HandProposal.replayed``).
"""

from dataclasses import dataclass
from uuid import UUID, uuid4

from mentoring_contracts import MatchArranged, MatchParticipant
from mesh_matching.application.coordinator_ports import HandPairings
from mesh_matching.application.errors import (
    AlreadyMatched,
    NoRoom,
    NotAnActiveParticipant,
    PairExcluded,
    ProgramClosed,
    RolesDoNotFitByHand,
    SamePerson,
)
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.hand_pairing import HandPair, RolesDoNotFit, pair_by_hand
from mesh_matching.domain.match import PROPOSAL_LIFETIME, Match
from mesh_matching.domain.scoring import reference_week

ONE_AT_A_TIME = ("mentee", "peer")  # roles in which a person has one partner at a time


@dataclass(frozen=True, slots=True)
class HandProposal:
    program_id: str
    people: tuple[Candidate, Candidate]
    hand: HandPair
    policy_version: int
    match: Match | None = None  # None for a dry run
    replayed: bool = False  # the same proposal was made before and is still open: nothing new


async def propose_by_hand(
    uow: MatchingUnitOfWork,
    hands: HandPairings,
    program_id: str,
    participant_ids: tuple[UUID, UUID],
    *,
    arranged_by: str,
    note: str | None,
    publish: bool,
) -> HandProposal:
    """``arranged_by``: coordinator or admin. The caller has checked the two are visible to them."""
    now = uow.clock.now()
    first_id, second_id = participant_ids
    if first_id == second_id:
        raise SamePerson(f"participant {first_id} is named twice: a pair is two people")
    if publish:  # places change one transaction at a time per program (as every path that takes one)
        await uow.lock_program(program_id)
    if not (await uow.programs.standing(program_id)).open:
        raise ProgramClosed(f"program {program_id!r} is closed: it makes no more matches")
    first = await _taking_part(uow, hands, program_id, first_id)
    second = await _taking_part(uow, hands, program_id, second_id)
    people = (first, second)
    policy_version, policy = await uow.policies.current(program_id)
    try:
        hand = pair_by_hand(first, second, policy, reference_week(now))
    except RolesDoNotFit as error:
        raise RolesDoNotFitByHand(str(error)) from error
    if await uow.matches.pair_excluded(first_id, second_id):
        before = await hands.between(first_id, second_id)
        latest = before[0] if before else None
        if publish and latest is not None and latest.status == "proposed" and latest.arranged_by is not None:
            match = await uow.matches.get_for_update(latest.match_id)
            return HandProposal(program_id, people, hand, policy_version, match, replayed=True)
        said = (
            f"were proposed to each other before ({latest.status}, match {latest.match_id})"
            if latest
            else "may not be proposed to each other (an exclusion kept of them)"
        )
        raise PairExcluded(
            f"{_name(first)} and {_name(second)} {said}: matching never proposes a pair twice",
            match_id=str(latest.match_id) if latest else None,
            match_status=latest.status if latest else None,
        )
    for person, role in zip(people, hand.pair.roles, strict=True):
        await _require_place(hands, person, role)
    if not publish:
        return HandProposal(program_id, people, hand, policy_version)
    if not await uow.candidates.reserve(first_id):
        raise _no_room(first)
    if not await uow.candidates.reserve(second_id):
        await uow.candidates.release(first_id)
        raise _no_room(second)
    pair = hand.pair
    match = Match(
        match_id=uuid4(),
        program_id=program_id,
        topic=pair.topic,
        kind=pair.kind,
        participants=(first_id, second_id),
        roles=pair.roles,
        score=pair.score,
        proposed_at=now,
        expires_at=now + PROPOSAL_LIFETIME,
    )
    await uow.matches.add(match, pair)
    await uow.matches.exclude_pair(first_id, second_id)
    await hands.mark_arranged(match.match_id, arranged_by, note)
    await uow.emit(
        MatchArranged(
            match_id=match.match_id,
            program_id=program_id,
            topic_name=match.topic,
            kind=match.kind,  # type: ignore[arg-type]  # a match's kind is one of the two the contract names
            participants=[
                MatchParticipant(participant_id=pid, role=role)  # type: ignore[arg-type]  # roles come from topics
                for pid, role in zip(match.participants, match.roles, strict=True)
            ],
            score=match.score,
            score_parts=list(pair.parts),
            proposed_at=now,
            expires_at=match.expires_at,
            arranged_by=arranged_by,  # type: ignore[arg-type]  # the route's staff_role: coordinator or admin
            overridden=list(hand.overridden),
            with_note=bool(note),
        )
    )
    return HandProposal(program_id, people, hand, policy_version, match)


async def _taking_part(uow: MatchingUnitOfWork, hands: HandPairings, program_id: str, participant_id: UUID) -> Candidate:
    participation = await hands.participation(participant_id)
    candidate = await uow.candidates.get(participant_id)
    if participation is None or candidate is None or participation.program_id != program_id:
        raise NotAnActiveParticipant(
            f"participant {participant_id} does not take part in program {program_id!r}",
            participant_id=str(participant_id),
        )
    if not participation.active:
        raise NotAnActiveParticipant(f"{_name(candidate)} has left program {program_id!r}", participant_id=str(participant_id))
    return candidate


async def _require_place(hands: HandPairings, person: Candidate, role: str) -> None:
    held = await hands.roles_held(person.participant_id)
    if role in ONE_AT_A_TIME and (taken := [r for r in held if r in ONE_AT_A_TIME]):
        raise AlreadyMatched(
            f"{_name(person)} already has an open match as {taken[0]}: one partner at a time as a mentee or a peer",
            participant_id=str(person.participant_id),
        )
    mentor_places = person.profile.mentor_capacity
    if role == "mentor" and held.count("mentor") >= mentor_places:
        raise NoRoom(
            f"{_name(person)} mentors as many as they offered ({mentor_places})",
            participant_id=str(person.participant_id),
        )
    participation = await hands.participation(person.participant_id)
    if participation is None or participation.room < 1:
        raise _no_room(person)


def _no_room(person: Candidate) -> NoRoom:
    return NoRoom(
        f"{_name(person)} has no place left: their open matches hold all of them",
        participant_id=str(person.participant_id),
    )


def _name(person: Candidate) -> str:
    return person.profile.display_name
