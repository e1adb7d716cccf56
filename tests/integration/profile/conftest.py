"""Profile running in-process on a fresh database, for every test module here: a module names the
standard programs it starts with (``programs``), or overrides ``profile_service`` to add its own."""

import pytest

from mesh_profile.bootstrap import DEFINITION
from tests.support.programs import create_programs
from tests.support.services import running


@pytest.fixture
def programs() -> tuple[str, ...]:
    """The programs (tests.support.programs, open to every test profile) created before the test."""
    return ()


@pytest.fixture
async def profile_service(endpoints, database_factory, programs):
    """``(app, client)``: the service, with ``programs`` created by an admin of the institution."""
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION)) as service:
        await create_programs(service[1], *programs)
        yield service
