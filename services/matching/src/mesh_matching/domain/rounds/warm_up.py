"""A round's compiled kernels made ready before the first coordinator asks for one, when the service
is asked to (``warm_round_kernels``; by default they load on the first round or large join, so an
idle replica holds none of numpy, numba and scipy).

numba compiles a kernel on its first call (about 20 s for all of a round's, cold) or loads it from
its cache (about 1 s). Running a round over two people does that at startup instead.
"""

from datetime import UTC, datetime, time
from typing import Literal
from uuid import UUID

from mentoring_contracts import AvailabilitySlot, ParticipantProfile, TopicRole
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.rounds.plan import plan_round
from mesh_matching.domain.scoring import MatchingPolicy

WEEK = datetime(2026, 1, 5, tzinfo=UTC)


def warm_up() -> None:
    """One mentor-mentee round over a mentor and a mentee: every kernel a round runs is compiled
    (or loaded) with the argument types real rounds pass."""
    pool = [_person(0, "mentor"), _person(1, "mentee")]
    plan = plan_round(pool, [1, 1], set(), "mentor_mentee", "score", MatchingPolicy(), WEEK)
    if len(plan.pairs) != 1:
        raise RuntimeError("the warm-up round did not pair its mentor and mentee")


def _person(number: int, role: Literal["mentor", "mentee"]) -> Candidate:
    profile = ParticipantProfile(
        program_id="warm-up",
        program_setting="academic",
        campus="main",
        display_name=f"Warm-up {number}",
        email=f"warm-up-{number}@example.org",
        topics=[TopicRole(topic="warm-up", role=role)],
        experiences=["x"],
        goals=["x"],
        challenges=["x"],
        interests=["x"],
        languages=["en"],
        time_zone="UTC",
        weekly_availability=[AvailabilitySlot(weekday="mon", start=time(9), end=time(12))],
        meeting_modes=["online"],
        mentor_capacity=1 if role == "mentor" else 0,
    )
    return Candidate(UUID(int=number + 1), profile)
