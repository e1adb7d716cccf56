"""A formed pair in scheduling, as MatchAccepted makes it: its members act with their own accounts' tokens."""

import uuid
from datetime import UTC, datetime

from mentoring_contracts import MatchAccepted, ParticipantSchedule
from mesh_runtime.db import Cause
from mesh_scheduling.adapters.postgres import PostgresSchedulingUnitOfWork
from mesh_scheduling.application.schedule_session import schedule_first_session
from tests.support.identity import INSTITUTION, as_

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def member(**overrides) -> ParticipantSchedule:
    return ParticipantSchedule.model_validate(
        {
            "participant_id": uuid.uuid4(),
            "role": "peer",
            "campus": "north",
            "time_zone": "Europe/Berlin",
            "weekly_availability": [{"weekday": day, "start": "17:00", "end": "20:00"} for day in WEEKDAYS],
            "meeting_modes": ["online"],
            "preferred_cadence": "weekly",
        }
        | overrides
    )


async def formed_pair(app) -> tuple[MatchAccepted, dict[uuid.UUID, dict[str, str]]]:
    """A pair whose members act with their own accounts' tokens."""
    a, b = member(), member(time_zone="Europe/London")
    accepted = MatchAccepted(
        match_id=uuid.uuid4(),
        program_id="p",
        topic_name="Calculus II",
        kind="peer",
        participants=[a, b],
        accepted_at=datetime.now(UTC),
    )
    subjects = (f"alice-{uuid.uuid4()}", f"bob-{uuid.uuid4()}")
    components = app.state.components
    async with components.database.transaction(INSTITUTION) as transaction:
        uow = PostgresSchedulingUnitOfWork.of(transaction, Cause(institution=INSTITUTION), components)
        assert await schedule_first_session(uow, accepted, subjects) is not None
    tokens = {
        a.participant_id: as_("scheduling", "participant", subject=subjects[0]),
        b.participant_id: as_("scheduling", "participant", subject=subjects[1]),
    }
    return accepted, tokens


AGREEMENT = {
    "goals": [
        {"description": "pass the Calculus II final", "target_date": "2027-01-30"},
        {"description": "a study plan for each week"},
    ],
    "expectations": ["come prepared"],
    "cadence": "biweekly",
    "meeting_mode": "online",
    "session_minutes": 45,
    "runs_until": "2027-06-30",
}
