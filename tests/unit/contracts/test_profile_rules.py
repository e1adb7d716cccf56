"""What a participant's profile must satisfy to be accepted at all."""

import pytest
from pydantic import ValidationError

from tests.support.factories import profile


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone 'Mars/Olympus'"):
        profile(time_zone="Mars/Olympus")


def test_availability_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="is not before end"):
        profile(weekly_availability=[{"weekday": "tue", "start": "19:00", "end": "18:00"}])


def test_a_mentor_needs_capacity_and_only_a_mentor_has_it() -> None:
    with pytest.raises(ValidationError, match="mentor_capacity of at least 1"):
        profile(topics=[{"topic": "Calculus II", "role": "mentor"}], mentor_capacity=0)
    with pytest.raises(ValidationError, match="only for participants who mentor"):
        profile(mentor_capacity=2)


def test_invalid_email_and_program_are_refused() -> None:
    with pytest.raises(ValidationError, match="email"):
        profile(email="not-an-email")
    with pytest.raises(ValidationError, match="program_id"):
        profile(program_id="Has Spaces")
