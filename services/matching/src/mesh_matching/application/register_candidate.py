"""Use case: a participant joined; remember them and propose their best partners, as many as they have places."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from mentoring_contracts import MatchParticipant, MatchProposed
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.proposal import best_partners
from mesh_matching.domain.scoring import MatchingPolicy, PairScore

PROPOSAL_LIFETIME = timedelta(days=7)


def reference_week(now: datetime) -> datetime:
    """Overlap is measured over the week (Monday 00:00 UTC) in which the pair is scored."""
    monday = (now - timedelta(days=now.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


async def register_candidate(
    uow: MatchingUnitOfWork, newcomer: Candidate, policy: MatchingPolicy | None = None, now: datetime | None = None
) -> list[Match]:
    """Returns the matches proposed to the newcomer: as many as they have places and partners fit;
    none leaves them waiting in the pool (a later join or a freed place proposes them)."""
    await uow.lock_program(newcomer.program_id)
    if not await uow.candidates.add(newcomer):
        return []
    policy = policy or (await uow.policies.current(newcomer.program_id))[1]
    return await fill_places(uow, newcomer, policy, now or datetime.now(UTC))


async def fill_places(uow: MatchingUnitOfWork, person: Candidate, policy: MatchingPolicy, now: datetime) -> list[Match]:
    """Whenever someone may newly fit (they joined, changed their profile, or got a place back), each
    place they have left goes to their best eligible partner with room, never a pair excluded before.

    Kept after every such change, this holds: no two people with room who fit each other wait
    unproposed. Only the partners who could fit are read (``open_partners``), not the pool.
    The caller holds the program's lock."""
    if not (await uow.programs.standing(person.program_id)).matching_proposes:
        return []  # closed, or its participants choose their partners themselves
    places = await uow.candidates.room(person.participant_id)
    if places < 1:
        return []
    excluded = await uow.matches.excluded_partners(person.participant_id)
    pool = [c for c in await uow.candidates.open_partners(person) if c.participant_id not in excluded]
    proposed: list[Match] = []
    for proposal in best_partners(person, pool, policy, reference_week(now), places):
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
    uow: MatchingUnitOfWork, first: Candidate, second: Candidate, pair: PairScore, now: datetime, requested_by: UUID | None = None
) -> Match:
    """Records a proposed match with the score's parts and reasons, and emits MatchProposed (the
    reasons quote both profiles, so they stay here, read through the API); the pair is never
    proposed again. Matching's own proposals come with both places reserved; a participant's
    request (``requested_by``) counts as their acceptance and reserves nothing."""
    [match] = await propose_all(uow, [(first, second, pair)], now, requested_by)
    return match


async def propose_all(
    uow: MatchingUnitOfWork, pairs: list[tuple[Candidate, Candidate, PairScore]], now: datetime, requested_by: UUID | None = None
) -> list[Match]:
    """``propose`` for many pairs, written together (a round's thousands in a few round trips)."""
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
    await uow.matches.add_many([(match, pair) for match, (_, _, pair) in zip(matches, pairs, strict=True)])
    await uow.matches.exclude_pairs([match.participants for match in matches])
    await uow.emit_many(
        [
            MatchProposed(
                match_id=match.match_id,
                program_id=match.program_id,
                topic_name=match.topic,
                kind=match.kind,  # type: ignore[arg-type]
                participants=[
                    MatchParticipant(participant_id=pid, role=role)  # type: ignore[arg-type]
                    for pid, role in zip(match.participants, match.roles, strict=True)
                ],
                score=match.score,
                score_parts=list(pair.parts),
                proposed_at=now,
                expires_at=match.expires_at,
            )
            for match, (_, _, pair) in zip(matches, pairs, strict=True)
        ]
    )
    return matches
