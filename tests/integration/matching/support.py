"""What matching's integration tests share: a use case run in one transaction of the running service
(at a time the test sets, when it sets one), a join, and a program's definition."""

import uuid
from datetime import datetime

from mentoring_contracts import ProgramDefinition
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.db import Cause
from tests.support.fakes.clock import FixedClock
from tests.support.identity import INSTITUTION


async def in_transaction(app, use_case, *, at: datetime | None = None, institution: str = INSTITUTION):
    """``use_case(uow)`` on the unit of work the service builds, by its clock or, ``at``, one standing there."""
    components = app.state.components
    async with components.database.transaction(institution) as transaction:
        uow = PostgresMatchingUnitOfWork.of(transaction, Cause(institution=institution), components)
        if at is not None:
            uow.clock = FixedClock(at)
        return await use_case(uow)


async def join(app, given, **candidate) -> uuid.UUID:
    newcomer = Candidate(uuid.uuid4(), given, **candidate)
    await in_transaction(app, lambda uow: register_candidate(uow, newcomer))
    return newcomer.participant_id


def definition(**overrides) -> ProgramDefinition:
    return ProgramDefinition.model_validate(
        {"name": "STEM", "setting": "academic", "campuses": ["north", "south"], "matching_mode": "mentor_mentee", **overrides}
    )
