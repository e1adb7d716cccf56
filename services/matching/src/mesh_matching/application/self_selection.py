"""Use cases: a participant sees their best possible partners, and asks several of them at once.

A request is a proposal the requester has already accepted; it holds no places, so asking many
people blocks nobody. The requested person accepts or declines; accepting forms the pair and takes
both places, which the database refuses past capacity.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from uuid import UUID

from mesh_matching.application.errors import NotInPool
from mesh_matching.application.places import propose
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.application.suggestions_cache import SUGGESTIONS
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match
from mesh_matching.domain.proposal import LARGE_BLOCK, Proposal, best_partners
from mesh_matching.domain.scoring import Ineligible, MatchingPolicy, reference_week, score_pair

MAX_REQUESTS = 5


@dataclass(frozen=True)
class RequestOutcome:
    partner_id: UUID
    match: Match | None
    refused: str | None


async def suggest_partners(
    uow: MatchingUnitOfWork,
    participant_id: UUID,
    limit: int,
    policy: MatchingPolicy | None = None,
    campuses: frozenset[str] | None = None,
) -> list[Proposal]:
    """The best eligible partners with room left, never someone excluded before, best first.
    ``campuses``: the campuses the asking person may see (None: all, for admins and coordinators);
    nobody elsewhere is shown, by name or otherwise.

    rank_partners' order, through the compiled kernel past ``LARGE_BLOCK`` partners (off the event
    loop), and kept per (participant, profile version, pool digest, exclusions, policy version, week):
    asking again while none of these changed reads no pool and ranks nobody. The pool's digest is the
    database's (``open_partners_digest``), so a repeated ask costs the service a few small reads."""
    me = await _with_room(uow, participant_id)
    policy_version, policy = (None, policy) if policy else await uow.policies.current(me.program_id)
    excluded = await uow.matches.excluded_partners(participant_id)
    week = reference_week(uow.clock.now())
    key = None
    if policy_version is not None and me.version is not None:
        digest = await uow.candidates.open_partners_digest(me, campuses)
        key = (participant_id, me.version, digest, frozenset(excluded), policy_version, week, limit)
        if (kept := SUGGESTIONS.get(key)) is not None:
            return list(kept)
    allowed = [
        c
        for c in await uow.candidates.open_partners(me)
        if c.participant_id not in excluded and (campuses is None or c.profile.campus in campuses)
    ]
    if len(allowed) > LARGE_BLOCK:  # a pass over the pool: the event loop serves others meanwhile
        ranked = await asyncio.to_thread(best_suggestions, me, allowed, policy, week, limit)
    else:
        ranked = best_suggestions(me, allowed, policy, week, limit)
    return list(SUGGESTIONS.keep(key, tuple(ranked)) if key is not None else ranked)


def best_suggestions(
    me: Candidate, allowed: Sequence[Candidate], policy: MatchingPolicy, week: datetime, limit: int
) -> list[Proposal]:
    """rank_partners(...)[:limit], the same partners and scores in the same order (property-tested)."""
    return list(islice(best_partners(me, allowed, policy, week, limit), limit))


async def request_partners(
    uow: MatchingUnitOfWork,
    participant_id: UUID,
    partner_ids: list[UUID],
    policy: MatchingPolicy | None = None,
    campuses: frozenset[str] | None = None,
) -> list[RequestOutcome]:
    """Someone on a campus the asker may not see is answered as someone unknown: existence never leaks.
    Refused (NotProposing) in a closed program, or one whose pairs are made in coordinators' rounds only."""
    now = uow.clock.now()
    me = await _with_room(uow, participant_id)
    (await uow.programs.standing(me.program_id)).require_requests()
    policy = policy or (await uow.policies.current(me.program_id))[1]
    outcomes = []
    for partner_id in dict.fromkeys(partner_ids):
        partner = await uow.candidates.get(partner_id)
        if partner is None or partner_id == participant_id or (campuses is not None and partner.profile.campus not in campuses):
            outcomes.append(RequestOutcome(partner_id, None, "not a participant matching knows"))
            continue
        pair = score_pair(me, partner, policy, reference_week(now))
        if isinstance(pair, Ineligible):
            outcomes.append(RequestOutcome(partner_id, None, f"not an eligible pair: {pair.reason}"))
            continue
        if await uow.matches.pair_excluded(participant_id, partner_id):
            outcomes.append(RequestOutcome(partner_id, None, "this pair was proposed before"))
            continue
        match = await propose(uow, me, partner, pair, now, requested_by=participant_id)
        outcomes.append(RequestOutcome(partner_id, match, None))
    return outcomes


async def _with_room(uow: MatchingUnitOfWork, participant_id: UUID) -> Candidate:
    me = await uow.candidates.get(participant_id)
    if me is None or await uow.candidates.room(participant_id) < 1:
        raise NotInPool(f"participant {participant_id} is not in a pool with room left")
    return me
