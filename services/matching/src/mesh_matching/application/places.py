"""A program's places, as every use case moves them: offered to whoever newly fits (``fill_places``),
taken by a proposal (``propose``, ``propose_all``), given back when a match stops (``close_match``),
and all of one person's given back when they leave (``withdraw``). Not a use case: the use cases'
shared steps, each given the time its use case read from the clock. Each caller holds the program's lock."""

import asyncio
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID, uuid4

from mentoring_contracts import Event, MatchDeclined, MatchEnded, MatchExpired, MatchParticipant, MatchProposed
from mesh_matching.application.ports import MatchingUnitOfWork, PlacesUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import PROPOSAL_LIFETIME, Match, MatchStatus
from mesh_matching.domain.proposal import best_partners
from mesh_matching.domain.rounds.pool import Member
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, reference_week

EVENTS_OFF_THE_LOOP_FROM = 1_000  # proposals: building their events is then a pass worth overlapping with the writes


async def fill_places(uow: PlacesUnitOfWork, person: Candidate, policy: MatchingPolicy, now: datetime) -> list[Match]:
    """Whenever someone may newly fit (they joined, changed their profile, or got a place back), each
    place they have left goes to their best eligible partner with room, never a pair excluded before.

    Kept after every such change, this holds: no two people with room who fit each other wait
    unproposed. Only the partners who could fit are read (``open_partners``), not the pool."""
    if not (await uow.programs.standing(person.program_id)).matching_proposes:
        return []  # closed, or its participants choose their partners themselves
    places = await uow.candidates.room(person.participant_id)
    if places < 1:
        return []
    excluded = await uow.matches.excluded_partners(person.participant_id)
    pool = [c for c in await uow.candidates.open_partners(person) if c.participant_id not in excluded]
    proposed: list[Match] = []
    for proposal in best_partners(person, pool, policy, reference_week(now), places, shared=uow.candidates.shared_features()):
        if not await uow.candidates.reserve(proposal.partner.participant_id):
            continue  # their last place went to someone ranked before
        if not await uow.candidates.reserve(person.participant_id):
            await uow.candidates.release(proposal.partner.participant_id)
            break  # every place of theirs is taken now
        proposed.append(await propose(uow, person, proposal.partner, proposal.pair, now))
        if len(proposed) == places:
            break  # before asking for one more: past the places, ranking would read the whole block
    return proposed


async def propose(
    uow: PlacesUnitOfWork, first: Candidate, second: Candidate, pair: PairScore, now: datetime, requested_by: UUID | None = None
) -> Match:
    """Records a proposed match with the score's parts and reasons, and emits MatchProposed (the
    reasons quote both profiles, so they stay here, read through the API); the pair is never
    proposed again. Matching's own proposals come with both places reserved; a participant's
    request (``requested_by``) counts as their acceptance and reserves nothing."""
    [match] = await propose_all(uow, [(first, second, pair)], now, requested_by)
    return match


async def propose_all(
    uow: PlacesUnitOfWork, pairs: Sequence[tuple[Member, Member, PairScore]], now: datetime, requested_by: UUID | None = None
) -> list[Match]:
    """``propose`` for many pairs, written together (a round's thousands in a few statements). Past
    ``EVENTS_OFF_THE_LOOP_FROM`` pairs, their events are built in a thread while the database writes the matches."""
    matches = [
        Match(
            match_id=uuid4(),
            program_id=first.program_id,
            topic=pair.topic,
            kind=pair.kind,
            participants=(first.participant_id, second.participant_id),
            roles=pair.roles,
            score=pair.score,
            proposed_at=now,
            expires_at=now + PROPOSAL_LIFETIME,
            accepted_by=frozenset({requested_by}) if requested_by else frozenset(),
            capacity_reserved=requested_by is None,
        )
        for first, second, pair in pairs
    ]
    scores = [pair for _, _, pair in pairs]
    if len(matches) < EVENTS_OFF_THE_LOOP_FROM:
        await uow.matches.add_many(list(zip(matches, scores, strict=True)))
        await uow.matches.exclude_pairs([match.participants for match in matches])
        await uow.emit_many(_proposed(matches, scores, now))
        return matches
    writing = asyncio.ensure_future(uow.matches.add_many(list(zip(matches, scores, strict=True))))
    try:
        await uow.emit_many(await asyncio.to_thread(_proposed, matches, scores, now))  # written to the outbox at commit
    finally:
        await writing  # the connection is free again before anything else, or any error, reaches it
    await uow.matches.exclude_pairs([match.participants for match in matches])
    return matches


def _proposed(matches: list[Match], scores: list[PairScore], now: datetime) -> list[Event]:
    return [
        MatchProposed(
            match_id=match.match_id,
            program_id=match.program_id,
            topic_name=match.topic,
            kind=match.kind,  # type: ignore[arg-type]  # a PairScore's kind is one of the two the contract names
            participants=[
                MatchParticipant(participant_id=pid, role=role)  # type: ignore[arg-type]  # roles come from topics
                for pid, role in zip(match.participants, match.roles, strict=True)
            ],
            score=match.score,
            score_parts=list(pair.parts),
            proposed_at=now,
            expires_at=match.expires_at,
        )
        for match, pair in zip(matches, scores, strict=True)
    ]


async def close_match(
    uow: MatchingUnitOfWork, before: Match, after: Match, event: Event, now: datetime, policy: MatchingPolicy | None = None
) -> list[Match]:
    """Declined, expired or ended: the match is saved as it now is, both places it held go back
    to the pool (a participant's unaccepted request held none), the change is announced, and each
    place freed is offered again at once. Returns the proposals that made."""
    await uow.matches.save(after)
    await uow.emit(event)
    if not before.holds_places:
        return []
    for participant_id in before.participants:
        await uow.candidates.release(participant_id)
    policy = policy or (await uow.policies.current(after.program_id))[1]
    proposed: list[Match] = []
    for participant_id in before.participants:
        person = await uow.candidates.get(participant_id)
        if person is not None:  # withdrawn people have no room: fill_places proposes nothing for them
            proposed += await fill_places(uow, person, policy, now)
    return proposed


async def withdraw(
    uow: MatchingUnitOfWork,
    participant_id: UUID,
    program_id: str,
    reason: str,
    now: datetime,
    policy: MatchingPolicy | None = None,
) -> list[Match]:
    """Out of every pool; each open match closes (declined, expired or ended with ``reason``), and each
    partner is offered a rematch at once. Returns those rematches. Takes the program's lock."""
    await uow.lock_program(program_id)
    policy = policy or (await uow.policies.current(program_id))[1]
    await uow.candidates.withdraw(participant_id, now)
    rematches: list[Match] = []
    event: MatchDeclined | MatchExpired | MatchEnded
    for match in await uow.matches.open_for(participant_id):
        if match.status is MatchStatus.PROPOSED and now >= match.expires_at:
            closed = match.expire(now)  # lapsed already; the sweep had not come by yet
            event = MatchExpired(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                accepted_by=sorted(match.accepted_by),
                expired_at=now,
            )
        elif match.status is MatchStatus.PROPOSED:
            closed = match.decline(participant_id, now, reason)
            event = MatchDeclined(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                declined_by=participant_id,
                declined_at=now,
            )
        else:
            closed = match.end(now, reason)
            event = MatchEnded(
                match_id=match.match_id,
                program_id=match.program_id,
                participant_ids=list(match.participants),
                outcome="ended_early",
                ended_by=participant_id,
                ended_at=now,
                cause="participant_left",
            )
        rematches += await close_match(uow, match, closed, event, now, policy)
    return rematches
