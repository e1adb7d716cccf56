"""A participant's history, told from their matches: each step once, in the order a match lives, dated
by when each answer and close happened; a request's asker asked, they did not accept."""

import uuid
from datetime import UTC, datetime, timedelta

from mesh_matching.domain.match import Match, MatchStatus
from mesh_matching.domain.participant_history import asker_of, history_of

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def proposed(*, requested: bool = False) -> Match:
    a, b = uuid.uuid4(), uuid.uuid4()
    return Match(
        uuid.uuid4(),
        "p",
        "Calculus II",
        "mentor_mentee",
        (a, b),
        ("mentor", "mentee"),
        0.7,
        NOW,
        NOW + timedelta(days=7),
        accepted_by=frozenset({a}) if requested else frozenset(),
        capacity_reserved=not requested,
        accepted_at=(NOW, None) if requested else (None, None),
    )


def test_answers_and_closes_keep_who_and_when() -> None:
    match = proposed()
    a, b = match.participants
    half = match.accept(b, NOW + timedelta(hours=1))
    assert half.accepted_at == (None, NOW + timedelta(hours=1))
    assert half.accept(b, NOW + timedelta(hours=2)).accepted_at == half.accepted_at  # the first answer stays
    formed = half.accept(a, NOW + timedelta(hours=3))
    assert formed.accepted_at == (NOW + timedelta(hours=3), NOW + timedelta(hours=1))
    assert formed.end(NOW + timedelta(days=9), "done").closed_at == NOW + timedelta(days=9)
    declined = match.decline(a, NOW + timedelta(hours=4), "not now")
    assert (declined.declined_by, declined.closed_at) == (a, NOW + timedelta(hours=4))
    assert match.expire(NOW + timedelta(days=8)).closed_at == NOW + timedelta(days=8)


def test_a_life_in_order_with_the_steps_of_one_moment_as_a_match_lives() -> None:
    match = proposed()
    a, b = match.participants
    formed = match.accept(a, NOW).accept(b, NOW)  # both at the proposal's moment
    ended = formed.end(NOW + timedelta(days=40), "the pair lay dormant")
    steps = history_of(NOW - timedelta(days=1), NOW + timedelta(days=41), [ended], {ended.match_id: NOW + timedelta(days=30)})
    assert [step.what for step in steps] == ["joined", "proposed", "accepted", "accepted", "formed", "dormant", "ended", "left"]
    assert [step.by for step in steps if step.what == "accepted"] == [a, b]
    assert steps[-2].detail == "the pair lay dormant"


def test_a_request_is_its_askers_proposal_not_their_acceptance() -> None:
    request = proposed(requested=True)
    asker, asked = request.participants
    assert asker_of(request) == asker and asker_of(proposed()) is None
    steps = history_of(None, None, [request.accept(asked, NOW + timedelta(hours=1))], {})
    assert [(step.what, step.by) for step in steps] == [("proposed", asker), ("accepted", asked), ("formed", None)]


def test_a_step_whose_time_was_never_kept_is_left_out() -> None:
    old = proposed()
    a, b = old.participants
    formed = Match(
        **{
            **{f: getattr(old, f) for f in old.__slots__},
            "accepted_by": frozenset({a, b}),
            "status": MatchStatus.ACCEPTED,
            "formed_at": NOW,
        }
    )  # formed before the times were kept: no one's acceptance time
    assert [step.what for step in history_of(None, None, [formed], {})] == ["proposed", "formed"]
