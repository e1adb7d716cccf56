"""Use case: a participant joined; remember them and propose their best partner, if any."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from mentoring_contracts import MatchParticipant, MatchProposed
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.proposal import rank_partners
from mesh_matching.domain.scoring import MatchingPolicy, PairScore

PROPOSAL_LIFETIME = timedelta(days=7)


def reference_week(now: datetime) -> datetime:
    """Overlap is measured over the week (Monday 00:00 UTC) in which the pair is scored."""
    monday = (now - timedelta(days=now.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


async def register_candidate(
    uow: MatchingUnitOfWork, newcomer: Candidate, policy: MatchingPolicy | None = None, now: datetime | None = None
) -> Match | None:
    """Returns the match proposed to the newcomer, or None when nobody fits (they wait in the pool)."""
    if not await uow.candidates.add(newcomer):
        return None
    policy = policy or (await uow.policies.current(newcomer.program_id))[1]
    return await propose_partner(uow, newcomer, policy, now or datetime.now(UTC))


async def propose_partner(uow: MatchingUnitOfWork, newcomer: Candidate, policy: MatchingPolicy, now: datetime) -> Match | None:
    """The best eligible partner with room left, never a pair excluded before; None leaves them in the pool."""
    if not await uow.candidates.reserve(newcomer.participant_id):
        return None
    pool = await uow.candidates.with_free_capacity(newcomer.program_id, excluding=newcomer.participant_id)
    for proposal in rank_partners(newcomer, pool, policy, reference_week(now)):
        partner = proposal.partner
        if await uow.matches.pair_excluded(newcomer.participant_id, partner.participant_id):
            continue
        if not await uow.candidates.reserve(partner.participant_id):
            continue  # a concurrent proposal took their last place
        return await propose(uow, newcomer, partner, proposal.pair, now)
    await uow.candidates.release(newcomer.participant_id)
    return None


async def propose(uow: MatchingUnitOfWork, first: Candidate, second: Candidate, pair: PairScore, now: datetime,
                  requested_by: UUID | None = None) -> Match:
    """Records a proposed match with the score's parts and reasons, and emits MatchProposed (the
    reasons quote both profiles, so they stay here, read through the API); the pair is never proposed again. Matching's own proposals come with both places reserved; a
    participant's request (``requested_by``) counts as their acceptance and reserves nothing."""
    match = Match(
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
    await uow.matches.add(match, pair.parts, pair.reasons)
    await uow.matches.exclude_pair(first.participant_id, second.participant_id)
    await uow.emit(
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
    )
    return match
