"""Random but valid candidates for property tests: small vocabularies, so pairs often overlap."""

import uuid

from hypothesis import strategies as st

from mentoring_contracts import ParticipantProfile
from mesh_matching.domain.candidate import Candidate
from mesh_matching.domain.scoring import MatchingPolicy

TOPICS = ("Calculus II", "calculus ii ", "Writing")
WORDS = ("exam anxiety", "Exam Anxiety", "time", "moving", "chess", "music", "jobs")
ZONES = ("Europe/Berlin", "Europe/Berlin", "Europe/London", "America/New_York")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@st.composite
def slots(draw):
    day = draw(st.sampled_from(DAYS[:3]))
    start = draw(st.integers(14 * 4, 20 * 4))
    length = draw(st.integers(4, 24))
    end = min(start + length, 24 * 4 - 1)
    if end <= start:
        start, end = end - 1, end
    return {"weekday": day, "start": f"{start // 4:02d}:{start % 4 * 15:02d}", "end": f"{end // 4:02d}:{end % 4 * 15:02d}"}


@st.composite
def candidates(draw, roles=("mentor", "mentee", "peer")):
    role = draw(st.sampled_from(roles))
    topics = draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True))
    profile = ParticipantProfile.model_validate(
        {
            "program_id": draw(st.sampled_from(["p1", "p1", "p1", "p1", "p2"])),
            "program_setting": "academic",
            "campus": draw(st.sampled_from(["north", "North", "south"])),
            "display_name": "X",
            "email": f"x{uuid.uuid4().hex[:8]}@uni.example.edu",
            "topics": [{"topic": t, "role": role} for t in topics],
            "experiences": draw(st.lists(st.sampled_from(WORDS), max_size=3)),
            "goals": draw(st.lists(st.sampled_from(WORDS), max_size=3)),
            "challenges": draw(st.lists(st.sampled_from(WORDS), max_size=3)),
            "interests": draw(st.lists(st.sampled_from(WORDS), max_size=3)),
            "languages": draw(st.lists(st.sampled_from(["en", "en", "EN", "de", "fr"]), min_size=1, max_size=2)),
            "time_zone": draw(st.sampled_from(ZONES)),
            "weekly_availability": draw(st.lists(slots(), min_size=2, max_size=5)),
            "meeting_modes": draw(st.sampled_from([["online"], ["in_person"], ["online", "in_person"], ["online", "in_person"]])),
            "preferred_cadence": draw(st.sampled_from(["weekly", "monthly"])),
            "mentor_capacity": draw(st.integers(1, 3)) if role == "mentor" else 0,
        }
    )
    return Candidate(uuid.uuid4(), profile)


@st.composite
def policies(draw):
    weights = {name: draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])) for name in MatchingPolicy().weights}
    weights["goals"] = max(weights["goals"], 0.5)  # at least one weight, so a score exists
    return MatchingPolicy(
        weights=weights,
        min_overlap_hours=draw(st.sampled_from([0.25, 1.0, 2.0])),
        same_campus_required=draw(st.booleans()),
        shared_language_required=draw(st.booleans()),
        max_time_zone_gap_hours=draw(st.sampled_from([None, 0.0, 1.0, 5.0])),
        must_match=draw(st.sampled_from([None, "goals", "interests"])),
    )
