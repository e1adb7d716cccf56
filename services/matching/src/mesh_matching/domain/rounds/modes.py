"""What a round is asked for, without the kernels: its mode, its objective, and who takes part.

Kept apart from the planning (numpy, numba, scipy) so that the use cases and the service import
these names without loading the kernels; those load on the first round (``plan.plan_round``)."""

from collections.abc import Collection
from typing import Literal

from mesh_matching.domain.candidate import Candidate

PLANNING = "mesh_matching.domain.rounds.plan"  # the module whose import loads the kernels (``plan_round``)

RoundMode = Literal["mentor_mentee", "peer"]
Objective = Literal["score", "coverage"]  # maximise the total score, or the people matched first


def places_in_round(candidate: Candidate, room: int, mode: RoundMode) -> int:
    """Mentors offer their remaining mentee places; everyone else takes one partner."""
    return places_for({t.role for t in candidate.profile.topics}, candidate.profile.mentor_capacity, room, mode)


def places_for(roles: Collection[str], mentor_capacity: int, room: int, mode: RoundMode) -> int:
    """``places_in_round`` of someone taking these roles in their topics."""
    if mode == "peer":
        return min(room, 1) if "peer" in roles else 0
    if "mentor" in roles:
        return min(room, mentor_capacity)
    return min(room, 1) if "mentee" in roles else 0
