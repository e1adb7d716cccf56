"""Matching domain: the match lifecycle rules."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.match import Match, MatchClosed, MatchStatus, NotAParticipant
from mesh_matching.domain.proposal import rank_partners
from mesh_matching.domain.scoring import MatchingPolicy
from tests.support.factories import mentor_profile, profile

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def proposed() -> Match:
    return Match(
        uuid.uuid4(),
        "p",
        "Calculus II",
        "mentor_mentee",
        (uuid.uuid4(), uuid.uuid4()),
        ("mentor", "mentee"),
        0.7,
        NOW,
        NOW + timedelta(days=7),
    )


def test_formed_only_when_both_accept_and_accepting_twice_is_harmless() -> None:
    match = proposed()
    a, b = match.participants
    half = match.accept(a, NOW)
    assert half.status is MatchStatus.PROPOSED and half.accepted_by == {a}
    assert half.accept(a, NOW).accepted_by == {a}
    both = half.accept(b, NOW)
    assert both.status is MatchStatus.ACCEPTED
    assert both.accept(b, NOW) == both


def test_outsiders_cannot_answer() -> None:
    with pytest.raises(NotAParticipant):
        proposed().accept(uuid.uuid4(), NOW)


def test_expired_or_declined_proposals_cannot_be_accepted() -> None:
    match = proposed()
    with pytest.raises(MatchClosed, match="expired"):
        match.accept(match.participants[0], NOW + timedelta(days=8))
    declined = match.decline(match.participants[1], NOW)
    with pytest.raises(MatchClosed, match="declined"):
        declined.accept(match.participants[0], NOW)


def test_best_partner_first_then_earliest_joined() -> None:
    newcomer = Candidate(uuid.uuid4(), profile())
    weak = Candidate(uuid.uuid4(), mentor_profile(goals=[], challenges=[], experiences=[], interests=[]))
    strong = Candidate(uuid.uuid4(), mentor_profile())
    twin = Candidate(uuid.uuid4(), mentor_profile())
    outsider = Candidate(uuid.uuid4(), profile())  # another mentee: ineligible
    ranked = rank_partners(newcomer, [weak, strong, outsider, twin], MatchingPolicy(), NOW)
    assert [p.partner for p in ranked] == [strong, twin, weak]


def test_an_open_proposal_lapses_at_its_expiry_and_nothing_else_does() -> None:
    match = proposed()
    assert match.expire(NOW) is match  # not yet
    lapsed = match.expire(NOW + timedelta(days=7))
    assert lapsed.status is MatchStatus.EXPIRED
    accepted = match.accept(match.participants[0], NOW).accept(match.participants[1], NOW)
    assert accepted.expire(NOW + timedelta(days=30)) is accepted
    with pytest.raises(MatchClosed, match="expired"):
        lapsed.accept(match.participants[0], NOW)


def test_only_a_formed_pair_ends() -> None:
    match = proposed()
    with pytest.raises(MatchClosed, match="not a formed pair"):
        match.end(NOW)
    formed = match.accept(match.participants[0], NOW).accept(match.participants[1], NOW)
    assert formed.end(NOW).status is MatchStatus.ENDED
