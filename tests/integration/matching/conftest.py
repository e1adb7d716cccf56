"""Matching running in-process on a database of its own, for each test that asks for ``matching``.

A module whose tests run a sweep themselves names it in ``SWEPT_BY_HAND`` (the workers' names): the
background one must not race them."""

import dataclasses

import pytest

from mesh_matching.bootstrap import DEFINITION
from tests.support.services import running


@pytest.fixture
async def matching(request, endpoints, database_factory):
    by_hand = getattr(request.module, "SWEPT_BY_HAND", ())
    definition = DEFINITION
    if by_hand:
        definition = dataclasses.replace(
            DEFINITION,
            workers=lambda components: [w for w in DEFINITION.workers(components) if getattr(w, "name", None) not in by_hand],
        )
    async with running(definition, endpoints.kafka_bootstrap, await database_factory(definition)) as service:
        yield service
