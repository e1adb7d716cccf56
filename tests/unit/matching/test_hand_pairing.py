"""A pair a coordinator proposes by hand: roles from their topic roles, the program policy's own score,
parts and reasons (the same code as every proposal), and every rule it breaks as a warning."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.hand_pairing import RolesDoNotFit, pair_by_hand
from mesh_matching.domain.scoring import Ineligible, MatchingPolicy, PairScore, broken_rules, score_given, score_pair
from tests.support.factories import mentor_profile, profile
from tests.unit.matching.strategies import candidates
from tests.unit.matching.test_pair_scores import policies

WEEK = datetime(2026, 3, 23, tzinfo=UTC)
POLICY = MatchingPolicy()


def person(p) -> Candidate:
    return Candidate(uuid.uuid4(), p)


def codes(hand) -> dict[str, bool]:
    return {caution.code: caution.rule for caution in hand.warnings}


def test_a_pair_matching_could_propose_is_scored_exactly_as_matching_scores_it() -> None:
    mentor, mentee = person(mentor_profile()), person(profile())
    hand = pair_by_hand(mentee, mentor, POLICY, WEEK)
    assert hand.pair == score_pair(mentee, mentor, POLICY, WEEK)  # roles in the order named
    assert hand.pair.roles == ("mentee", "mentor") and hand.warnings == () and hand.policy_eligible


def test_two_mentees_or_two_mentors_are_refused_clearly() -> None:
    with pytest.raises(RolesDoNotFit, match="neither can mentor the other: Ada L. takes part as mentee"):
        pair_by_hand(person(profile()), person(profile(display_name="Cleo")), POLICY, WEEK)
    with pytest.raises(RolesDoNotFit):
        pair_by_hand(person(mentor_profile()), person(mentor_profile()), POLICY, WEEK)
    with pytest.raises(RolesDoNotFit):  # a mentor and a peer: neither is mentored
        pair_by_hand(person(mentor_profile()), person(profile(topics=[{"topic": "Calculus II", "role": "peer"}])), POLICY, WEEK)


def test_a_mentor_of_another_topic_mentors_on_the_mentees_topic_with_a_warning() -> None:
    mentor = person(mentor_profile(topics=[{"topic": "Physics", "role": "mentor"}]))
    mentee = person(profile(topics=[{"topic": "Writing", "role": "mentee"}, {"topic": "Chemistry", "role": "mentee"}]))
    hand = pair_by_hand(mentor, mentee, POLICY, WEEK)
    assert (hand.pair.topic, hand.pair.roles) == ("Chemistry", ("mentor", "mentee"))
    assert codes(hand) == {"no-shared-topic": True} and not hand.policy_eligible
    assert not any("one mentors" in reason for reason in hand.pair.reasons)  # no reason says what is not so
    # the score does not depend on the topic: what matching would give them on one they shared
    shared = score_pair(mentor, person(profile(topics=[{"topic": "Physics", "role": "mentee"}])), POLICY, WEEK)
    assert (hand.pair.score, hand.pair.parts) == (shared.score, shared.parts)


def test_either_could_mentor_the_first_named_mentors() -> None:
    both = [{"topic": "Physics", "role": "mentor"}, {"topic": "Writing", "role": "mentee"}]
    other = [{"topic": "Art", "role": "mentor"}, {"topic": "Music", "role": "mentee"}]
    first, second = person(mentor_profile(topics=both)), person(mentor_profile(topics=other, display_name="Cleo"))
    hand = pair_by_hand(first, second, POLICY, WEEK)
    assert hand.pair.roles == ("mentor", "mentee") and hand.pair.topic == "Music"
    assert "either-could-mentor" in codes(hand)
    assert pair_by_hand(second, first, POLICY, WEEK).pair.roles == ("mentor", "mentee")  # named the other way round


def test_soft_mismatches_are_warnings_saying_whether_the_policy_would_exclude_the_pair() -> None:
    mentor = person(
        mentor_profile(
            languages=["fr"],
            weekly_availability=[{"weekday": "tue", "start": "08:00", "end": "09:00"}],
            meeting_modes=["in_person"],
            campus="south",
        )
    )
    mentee = person(profile())
    hand = pair_by_hand(mentor, mentee, POLICY, WEEK)
    assert codes(hand) == {
        "no-shared-language": True,
        "no-meeting-mode": True,
        "too-little-shared-time": True,
        "no-shared-availability": False,
    }
    assert hand.overridden == ("no-shared-language", "no-meeting-mode", "too-little-shared-time")
    assert isinstance(score_pair(mentor, mentee, POLICY, WEEK), Ineligible)
    assert 0 <= hand.pair.score <= 1 and {p.criterion for p in hand.pair.parts} == set(POLICY.weights)
    assert not any("can meet" in reason for reason in hand.pair.reasons)  # no mode they both accept
    lenient = replace(POLICY, shared_language_required=False, min_overlap_hours=0.0)
    assert codes(pair_by_hand(mentor, mentee, lenient, WEEK)) == {
        "no-shared-language": False,
        "no-meeting-mode": True,
        "no-shared-availability": False,
    }


def test_every_policy_rule_is_a_warning_a_coordinator_may_override() -> None:
    strict = replace(POLICY, same_campus_required=True, max_time_zone_gap_hours=1.0, must_match="interests")
    mentor = person(
        mentor_profile(
            campus="south",
            time_zone="America/New_York",
            interests=["rowing"],
            weekly_availability=[{"weekday": "mon", "start": "11:00", "end": "13:00"}],
        )
    )
    hand = pair_by_hand(mentor, person(profile()), strict, WEEK)
    assert {code for code, rule in codes(hand).items() if rule} == {"different-campuses", "time-zone-gap", "nothing-in-common"}
    assert score_pair(mentor, person(profile()), strict, WEEK).reason == hand.warnings[0].detail


def test_in_a_peer_program_both_are_peers_and_a_mentor_mentee_one_pairs_two_peers_as_peers() -> None:
    peer = [{"topic": "Calculus II", "role": "peer"}]
    a, b = person(profile(topics=peer)), person(profile(topics=peer, display_name="Cleo"))
    assert pair_by_hand(a, b, POLICY, WEEK).pair == score_pair(a, b, POLICY, WEEK)
    peers_only = replace(POLICY, mode="peer")
    hand = pair_by_hand(person(mentor_profile()), person(profile()), peers_only, WEEK)
    assert hand.pair.roles == ("peer", "peer") and hand.pair.kind == "peer"
    assert codes(hand) == {"no-shared-topic": False}  # matching would pair them, but as mentor and mentee


@settings(max_examples=200, deadline=None)
@given(candidates(), candidates(), policies(), st.sampled_from(["mentor_mentee", "peer"]))
def test_hand_scores_are_matchings_scores_and_the_warnings_its_refusals(a, b, policy, mode) -> None:
    policy = replace(policy, mode=mode)
    if a.program_id != b.program_id:
        return
    scored, broken = score_pair(a, b, policy, WEEK), broken_rules(a, b, policy, WEEK)
    if isinstance(scored, PairScore):
        assert broken == []
        assert score_given(a, b, policy, WEEK, scored.topic, scored.roles) == scored
    else:
        assert broken and broken[0][1] == scored.reason  # score_pair's first refusal, in its words
    try:
        hand = pair_by_hand(a, b, policy, WEEK)
    except RolesDoNotFit:
        assert not isinstance(scored, PairScore)  # a pair matching could propose always has roles
        return
    assert hand.policy_eligible == isinstance(scored, PairScore)
    assert [code for code, _ in broken] == list(hand.overridden)
    if isinstance(scored, PairScore):
        assert (hand.pair.score, hand.pair.parts, hand.pair.overlap_hours) == (scored.score, scored.parts, scored.overlap_hours)
