"""The scheduling service each test of this folder runs: on a database of its own, consumers off."""

import dataclasses

import pytest

from mesh_scheduling.bootstrap import DEFINITION
from tests.support.services import running


@pytest.fixture
async def scheduling(endpoints, database_factory):
    async with running(DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION)) as service:
        yield service


@pytest.fixture
async def scheduling_on_test_clock(endpoints, database_factory, tmp_path):
    """``(app, client, clock_file)``: its clock moved by the test (``advance(clock_file, ...)``), its
    missed-session sweep run by the test alone (the background one must not race it)."""
    clock_file = tmp_path / "clock-offset"
    own_sweep = dataclasses.replace(
        DEFINITION,
        workers=lambda components: [
            worker for worker in DEFINITION.workers(components) if getattr(worker, "name", None) != "missed-sessions"
        ],
    )
    async with running(own_sweep, endpoints.kafka_bootstrap, await database_factory(own_sweep), clock_offset_file=clock_file) as (
        app,
        client,
    ):
        yield app, client, clock_file
