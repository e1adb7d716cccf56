"""Whom a newcomer is proposed: the compiled kernel's ranking of a large block is rank_partners' own."""

import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.proposal import best_partners, rank_partners
from mesh_matching.domain.scoring import MatchingPolicy
from tests.support.factories import mentor_profile, profile
from tests.unit.matching.strategies import candidates

WEEK = datetime(2026, 3, 23, tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(candidates(), st.lists(candidates(), min_size=5, max_size=40), st.integers(1, 4))
def test_a_large_block_through_the_kernel_is_ranked_exactly_as_rank_partners(newcomer, pool, places) -> None:
    """Read to the end (as when every chosen partner's last place went to someone else), the kernel's
    order is rank_partners' order, partner for partner and score for score."""
    exact = [(p.partner.participant_id, p.pair) for p in rank_partners(newcomer, pool, MatchingPolicy(), WEEK)]
    through_kernel = [
        (p.partner.participant_id, p.pair) for p in best_partners(newcomer, pool, MatchingPolicy(), WEEK, places, large_block=0)
    ]
    assert through_kernel == exact


def test_partners_who_score_the_same_are_proposed_in_the_order_they_joined() -> None:
    mentors = [Candidate(uuid.uuid4(), mentor_profile(program_id="p", mentor_capacity=3)) for _ in range(300)]
    mentee = Candidate(uuid.uuid4(), profile(program_id="p"))
    chosen = [p.partner for p in best_partners(mentee, mentors, MatchingPolicy(), WEEK, 2, large_block=10)]
    assert len({p.pair.score for p in rank_partners(mentee, mentors, MatchingPolicy(), WEEK)}) == 1  # all tie
    assert chosen == mentors
