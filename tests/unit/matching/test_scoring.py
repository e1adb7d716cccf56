"""Matching domain: eligibility rules and explainable, deterministic scores."""

import uuid
from datetime import UTC, datetime

import pytest

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import Ineligible, MatchingPolicy, PairScore, score_pair
from tests.support.factories import mentor_profile, profile

WEEK = datetime(2026, 1, 5, tzinfo=UTC)
POLICY = MatchingPolicy()


def candidate(p) -> Candidate:
    return Candidate(uuid.uuid4(), p)


def test_mentor_and_mentee_of_one_topic_score_with_reasons() -> None:
    result = score_pair(candidate(mentor_profile()), candidate(profile()), POLICY, WEEK)
    assert isinstance(result, PairScore)
    assert result.roles == ("mentor", "mentee") and result.kind == "mentor_mentee"
    assert 0 < result.score <= 1
    assert "Calculus II: one mentors, the other is mentored" in result.reasons
    assert "2 h of shared weekly availability" in result.reasons
    assert "same campus (north)" in result.reasons
    assert {part.criterion for part in result.parts} >= {"goals", "availability", "campus"}


def test_score_is_the_weighted_mean_of_its_parts_and_deterministic() -> None:
    a, b = candidate(mentor_profile()), candidate(profile())
    first, second = score_pair(a, b, POLICY, WEEK), score_pair(a, b, POLICY, WEEK)
    assert first == second
    weighted = sum(p.weight * p.value for p in first.parts) / sum(p.weight for p in first.parts)
    assert first.score == pytest.approx(weighted, abs=1e-4)


def test_identical_profiles_score_higher_than_partly_shared_ones() -> None:
    mentee = candidate(profile())
    close = score_pair(candidate(mentor_profile()), mentee, POLICY, WEEK)
    far = score_pair(candidate(mentor_profile(goals=["find a job"], challenges=[], campus="south")), mentee, POLICY, WEEK)
    assert close.score > far.score


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        (profile(), "no topic where one mentors"),  # two mentees
        (mentor_profile(program_id="other-program"), "different programs"),
        (mentor_profile(languages=["fr"]), "no shared language"),
        (
            mentor_profile(weekly_availability=[{"weekday": "tue", "start": "08:00", "end": "09:00"}]),
            "shared weekly availability",
        ),
        (mentor_profile(meeting_modes=["in_person"], campus="south"), "no meeting mode"),
    ],
)
def test_ineligible_pairs_say_why(other, reason) -> None:
    result = score_pair(candidate(other), candidate(profile()), POLICY, WEEK)
    assert isinstance(result, Ineligible)
    assert reason in result.reason


def test_peers_pair_on_a_shared_topic_regardless_of_case() -> None:
    a = candidate(profile(topics=[{"topic": "Time management", "role": "peer"}]))
    b = candidate(profile(topics=[{"topic": "time MANAGEMENT ", "role": "peer"}]))
    result = score_pair(a, b, POLICY, WEEK)
    assert isinstance(result, PairScore) and result.kind == "peer"


def test_availability_overlap_counts_across_time_zones() -> None:
    berlin = candidate(mentor_profile(weekly_availability=[{"weekday": "mon", "start": "17:00", "end": "21:00"}]))
    new_york = candidate(
        profile(time_zone="America/New_York", weekly_availability=[{"weekday": "mon", "start": "12:00", "end": "14:00"}])
    )
    result = score_pair(berlin, new_york, POLICY, WEEK)
    assert isinstance(result, PairScore)
    assert result.overlap_hours == 2.0  # 17-19 UTC in both


def test_capacity_counts_mentees_plus_own_partner() -> None:
    assert Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=3)).capacity == 3
    both = mentor_profile(topics=[{"topic": "Calculus II", "role": "mentor"}, {"topic": "Writing", "role": "mentee"}])
    assert Candidate(uuid.uuid4(), both).capacity == 3
    assert Candidate(uuid.uuid4(), profile()).capacity == 1
