"""Profiles read back from matching's store without validating again are the same profiles."""

from datetime import UTC, datetime

from hypothesis import given, settings

from mesh_matching.adapters.postgres import stored_profile
from mesh_matching.adapters.postgres.candidates import stored_form
from mesh_matching.domain.candidate import KEPT, Candidate
from mesh_matching.domain.scoring import MatchingPolicy, score_pair
from tests.unit.matching.strategies import candidates


@settings(max_examples=200, deadline=None)
@given(candidates(), candidates())
def test_a_stored_profile_reads_back_equal_and_scores_the_same(a, b) -> None:
    week = datetime(2026, 3, 23, tzinfo=UTC)  # the week Europe moves its clocks
    a2, b2 = (Candidate(c.participant_id, stored_profile(stored_form(c.profile))) for c in (a, b))
    assert a2.profile.model_dump() == a.profile.model_dump(include=set(KEPT))
    assert score_pair(a2, b2, MatchingPolicy(), week) == score_pair(a, b, MatchingPolicy(), week)
    assert a2.slots() == a.slots() and a2.wanted_slots() == a.wanted_slots()


@settings(max_examples=500, deadline=None)
@given(candidates(), candidates())
def test_every_pair_that_can_score_is_found_through_the_open_place_keys(a, b) -> None:
    """The index a join reads is exact: a partner who could fit always offers a key the newcomer
    wants (and the other way round), so reading only those keys misses no one."""
    from mesh_matching.domain.scoring import PairScore

    week = datetime(2026, 3, 23, tzinfo=UTC)
    fits = isinstance(score_pair(a, b, MatchingPolicy(shared_language_required=False, min_overlap_hours=0), week), PairScore)
    if fits:
        assert set(a.wanted_slots()) & set(b.slots()) and set(b.wanted_slots()) & set(a.slots())
