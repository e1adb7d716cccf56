"""M9: the reasons either of a pair reads quote none of the other's challenges, and of the rest only
what both wrote; coordinators and admins still read the reasons in full."""

import uuid
from datetime import UTC, datetime

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.reasons import Shared, for_participant, in_full
from mesh_matching.domain.scoring import MatchingPolicy, PairScore, score_pair
from tests.support.factories import mentor_profile, profile

WEEK = datetime(2026, 1, 5, tzinfo=UTC)


def scored(a, b) -> PairScore:
    result = score_pair(Candidate(uuid.uuid4(), a), Candidate(uuid.uuid4(), b), MatchingPolicy(), WEEK)
    assert isinstance(result, PairScore)
    return result


def test_m9_a_participant_reads_how_many_challenges_are_shared_never_which() -> None:
    prober = profile(challenges=["depression", "adhd", "dyslexia"])
    other = mentor_profile(challenges=["Depression", "ADHD", "bereavement"])
    for pair in (scored(prober, other), scored(other, prober)):  # whichever of the two is first
        assert "2 shared challenges" in pair.participant_reasons
        for secret in ("depression", "adhd", "bereavement", "dyslexia"):
            assert not any(secret in reason.casefold() for reason in pair.participant_reasons), pair.participant_reasons
        assert any("depression" in reason.casefold() for reason in pair.reasons)  # coordinators: in full


def test_m9_a_single_shared_challenge_is_counted_in_the_singular() -> None:
    pair = scored(profile(challenges=["exam anxiety"]), mentor_profile(challenges=["Exam Anxiety", "debt"]))
    assert "1 shared challenge" in pair.participant_reasons


def test_m9_other_lists_quote_only_what_both_wrote_in_neither_ones_spelling() -> None:
    mine = profile(goals=["Pass the exam", "publish"], interests=["chess"], experiences=["took Calculus I"])
    theirs = mentor_profile(
        goals=["pass THE exam", "leave my job quietly"], interests=["Chess", "poker"], experiences=["failed Calculus I"]
    )
    for pair in (scored(mine, theirs), scored(theirs, mine)):
        assert "both share goals: pass the exam" in pair.participant_reasons
        assert "both share interests: chess" in pair.participant_reasons
        joined = " | ".join(pair.participant_reasons)
        for beyond in ("leave my job quietly", "poker", "failed calculus i", "publish", "Pass the exam", "pass THE exam"):
            assert beyond not in joined
        assert not any(reason.startswith("both share experiences") for reason in pair.participant_reasons)


def test_m9_reasons_that_quote_no_ones_words_read_the_same_in_both_views() -> None:
    pair = scored(profile(), mentor_profile())
    shared_prefixes = ("both share", "both face", "1 shared", "2 shared")
    assert [r for r in pair.reasons if not r.startswith(shared_prefixes)] == [
        r for r in pair.participant_reasons if not r.startswith(shared_prefixes)
    ]
    assert "Calculus II: one mentors, the other is mentored" in pair.participant_reasons


def test_m9_the_two_views_keep_one_order() -> None:
    reasons = (
        "Calculus II: one mentors, the other is mentored",
        Shared("goals", ("Pass",)),
        Shared("challenges", ("a", "b")),
        "both speak en",
    )
    assert in_full(reasons) == (
        "Calculus II: one mentors, the other is mentored",
        "both share goals: Pass",
        "both face the same challenges: a, b",
        "both speak en",
    )
    assert for_participant(reasons) == (
        "Calculus II: one mentors, the other is mentored",
        "both share goals: pass",
        "2 shared challenges",
        "both speak en",
    )
