"""Scheduling's request bodies: bounded text (L10), one-line expectations (L1), and times the
calendar can hold (a move to the end of time was an OverflowError, a 500)."""

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from mesh_scheduling.adapters.http.agreements import AgreementView, ProposalBody
from mesh_scheduling.adapters.http.session_changes import MoveBody
from mesh_scheduling.adapters.http.sessions import CompletionBody

ME = uuid.uuid4()


def proposal(**overrides: object) -> ProposalBody:
    return ProposalBody.model_validate(
        {
            "participant_id": ME,
            "goals": [{"description": "pass the final"}],
            "cadence": "weekly",
            "meeting_mode": "online",
            **overrides,
        }
    )


def test_l10_each_expectation_is_at_most_500_characters() -> None:
    assert proposal(expectations=["x" * 500] * 20).expectations == ["x" * 500] * 20
    with pytest.raises(ValidationError, match="at most 500 characters"):
        proposal(expectations=["reply within two days", "x" * 501])
    with pytest.raises(ValidationError):
        proposal(expectations=["x" * 1_000_000])
    with pytest.raises(ValidationError):
        proposal(expectations=[""])
    with pytest.raises(ValidationError):
        proposal(expectations=["ok"] * 21)


@pytest.mark.parametrize("control", ["\r\n", "\n", "\x00", "\u2028", "\x1b"])
def test_l1_an_expectation_is_one_line_without_control_characters(control: str) -> None:
    with pytest.raises(ValidationError):
        proposal(expectations=[f"come{control}prepared"])


def test_l10_versions_stored_before_the_bound_are_still_shown() -> None:
    stored = {
        "participant_id": ME,
        "goals": [{"description": "pass"}],
        "cadence": "weekly",
        "meeting_mode": "online",
        "expectations": ["y" * 5000],
        "match_id": uuid.uuid4(),
        "version": 1,
        "status": "proposed",
        "proposed_at": datetime.now(UTC),
        "confirmed_by": None,
        "confirmed_at": None,
    }
    assert AgreementView.model_validate(stored).expectations == ["y" * 5000]


def test_l10_a_reflection_is_bounded_and_keeps_its_lines_only() -> None:
    body = {"participant_id": ME, "progress_rating": 4}
    assert CompletionBody.model_validate(body | {"notes": "good\n\tsession"}).notes == "good\n\tsession"
    for bad in ("x" * 4001, "bell\x07", "esc\x1b[2J"):
        with pytest.raises(ValidationError):
            CompletionBody.model_validate(body | {"notes": bad})


@pytest.mark.parametrize(
    "starts_at",
    [
        "9999-12-31T23:30:00Z",
        "9999-12-31T23:59:00-14:00",
        "0001-01-01T00:00:00+14:00",
        "3000-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
    ],
)
def test_time_a_move_outside_the_years_2000_to_2999_is_a_validation_error(starts_at: str) -> None:
    with pytest.raises(ValidationError, match="between the years 2000 and 2999"):
        MoveBody.model_validate({"participant_id": ME, "starts_at": starts_at})


def test_time_a_move_inside_the_years_passes() -> None:
    moved = MoveBody.model_validate({"participant_id": ME, "starts_at": "2999-12-31T22:00:00+01:00"})
    assert moved.starts_at.year == 2999
