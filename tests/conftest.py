"""Fixtures: real Kafka and PostgreSQL for the whole run, a fresh database (a copy of a migrated template) per test that
needs one."""

from collections.abc import AsyncIterator, Iterator

import pytest

from mesh_runtime.app import ServiceDefinition
from tests.support import infrastructure
from tests.support.databases import create_database, drop_database


@pytest.fixture(scope="session")
def endpoints() -> Iterator[infrastructure.Endpoints]:
    with infrastructure.provide() as provided:
        yield provided


@pytest.fixture
async def database_factory(endpoints: infrastructure.Endpoints) -> AsyncIterator:
    """Call with the services (or migration packages) whose migrations the database should hold, copied from
    a template migrated once; with none it holds the runtime's only, and a service started on it migrates
    the rest. Every database made is dropped after the test."""
    made: list[str] = []

    async def make(*migrations: str | ServiceDefinition) -> str:
        packages = [each if isinstance(each, str) else each.migrations_package for each in migrations]
        url = await create_database(endpoints.postgres_admin_url, *packages)
        made.append(url)
        return url

    yield make
    for url in made:
        await drop_database(endpoints.postgres_admin_url, url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The contract audit reads what all other tests published, so it runs last.
    items.sort(key=lambda item: item.get_closest_marker("contract_audit") is not None)
    for item in items:
        for kind in ("unit", "integration", "e2e"):
            if f"/tests/{kind}/" in str(item.fspath):
                item.add_marker(getattr(pytest.mark, kind))
