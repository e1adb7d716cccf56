"""Valid domain inputs for tests; each test overrides only what it is about."""

import uuid
from datetime import UTC, datetime
from typing import Any

from mentoring_contracts import ParticipantJoined, ParticipantProfile


def profile(**overrides: Any) -> ParticipantProfile:
    data: dict[str, Any] = {
        "program_id": "first-year-stem",
        "program_setting": "academic",
        "campus": "north",
        "display_name": "Ada L.",
        "email": f"ada.{uuid.uuid4().hex[:8]}@uni.example.edu",
        "topics": [{"topic": "Calculus II", "role": "mentee"}],
        "experiences": ["took Calculus I"],
        "goals": ["pass the final exam"],
        "challenges": ["exam anxiety"],
        "interests": ["chess"],
        "languages": ["en"],
        "time_zone": "Europe/Berlin",
        "weekly_availability": [{"weekday": "mon", "start": "17:00", "end": "19:00"}],
        "meeting_modes": ["online"],
        "preferred_cadence": "weekly",
        "mentor_capacity": 0,
    }
    data.update(overrides)
    return ParticipantProfile.model_validate(data)


def mentor_profile(**overrides: Any) -> ParticipantProfile:
    return profile(
        **{"topics": [{"topic": "Calculus II", "role": "mentor"}], "mentor_capacity": 2, "display_name": "Ben M.", **overrides}
    )


def joined(participant_id: uuid.UUID | None = None, **overrides: Any) -> ParticipantJoined:
    """A ParticipantJoined as profile writes it: the attributes of ``profile(**overrides)``."""
    return ParticipantJoined(
        participant_id=participant_id or uuid.uuid4(), attributes=profile(**overrides).attributes(), joined_at=datetime.now(UTC)
    )
