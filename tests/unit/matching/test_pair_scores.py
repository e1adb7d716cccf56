"""The vectorized scorer a round uses gives exactly score_pair's answers (eligibility and score)."""

from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mesh_matching.domain.rounds.features import build
from mesh_matching.domain.rounds.pair_scores import score_block
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, score_pair
from tests.unit.matching.strategies import candidates, policies

WEEK = datetime(2026, 3, 23, tzinfo=UTC)  # the week Europe changes to summer time
POLICY = MatchingPolicy()


def test_vectorized_scores_equal_score_pair_on_a_dense_cohort() -> None:
    import uuid

    from mentoring_contracts import ParticipantProfile
    from mesh_local.cohort import demo_cohort
    from mesh_matching.domain.candidate import Candidate

    pool = [Candidate(uuid.uuid4(), ParticipantProfile.model_validate(p)) for p in demo_cohort(80, seed=3)]
    features = build(pool, WEEK)
    index = np.arange(len(pool))
    compared = 0
    for mode in ("mentor_mentee", "peer"):
        matrix = score_block(features, index, index, mode, POLICY)
        for i, j in zip(*np.nonzero(~np.isnan(matrix)), strict=True):
            expected = score_pair(pool[i], pool[j], POLICY, WEEK)
            assert isinstance(expected, PairScore) and matrix[i, j] == expected.score
            compared += 1
    assert compared > 150


@settings(max_examples=120, deadline=None)
@given(st.lists(candidates(), min_size=2, max_size=12), policies())
def test_vectorized_scores_equal_score_pair_under_any_program_policy(pool, policy) -> None:
    features = build(pool, WEEK)
    index = np.arange(len(pool))
    for mode, (row_role, col_role) in (("mentor_mentee", ("mentee", "mentor")), ("peer", ("peer", "peer"))):
        matrix = score_block(features, index, index, mode, policy)
        for i, a in enumerate(pool):
            for j, b in enumerate(pool):
                expected = score_pair(a, b, policy, WEEK)
                fits = (
                    isinstance(expected, PairScore)
                    and {t.role for t in a.profile.topics} == {row_role}
                    and {t.role for t in b.profile.topics} == {col_role}
                )
                if fits:
                    assert matrix[i, j] == expected.score, (i, j, matrix[i, j], expected, policy)
                else:
                    assert np.isnan(matrix[i, j]), (i, j, matrix[i, j], expected, policy)
