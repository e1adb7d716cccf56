"""Cases every service must pass, run against each of the four (as FastStream's own tests reuse
cases across brokers): start on real PostgreSQL and Kafka, migrate, report health truthfully,
serve OpenAPI and AsyncAPI, carry correlation ids."""

import uuid

import pytest

from mesh_runtime.app import ServiceDefinition
from mesh_runtime.registry import service_definitions
from tests.support.services import running

DEFINITIONS = service_definitions()


@pytest.fixture(params=DEFINITIONS, ids=lambda d: d.name)
async def service(request, endpoints, database_factory):
    definition: ServiceDefinition = request.param
    url = await database_factory()  # empty: the service migrates it at start
    async with running(definition, endpoints.kafka_bootstrap, url, consumers=True) as (app, client):
        yield definition, app, client


async def test_ready_when_database_and_broker_answer(service) -> None:
    _, _, client = service
    response = await client.get("/health/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert (await client.get("/health/live")).status_code == 200


async def test_not_ready_while_draining(service) -> None:
    _, app, client = service
    app.state.components.draining = True
    response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["draining"] == "shutting down"


async def test_not_ready_when_the_database_is_gone(service) -> None:
    _, app, client = service
    await app.state.components.database.pool.close()
    response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("failed")


async def test_migrated_its_own_schema(service) -> None:
    definition, app, _ = service
    rows = await app.state.components.database.pool.fetch("SELECT package FROM mesh_schema_migrations")
    assert {row["package"] for row in rows} == {"mesh_runtime.sql", definition.migrations_package}


async def test_serves_openapi_with_its_routes(service) -> None:
    definition, _, client = service
    document = (await client.get("/openapi.json")).json()
    assert document["info"]["title"] == definition.title
    own = [path for path in document["paths"] if not path.startswith("/health")]
    assert own, "every service exposes its own API"


async def test_serves_asyncapi_with_every_event_it_publishes(service) -> None:
    definition, _, client = service
    document = (await client.get("/asyncapi.json")).json()
    assert document["asyncapi"].startswith("3.")
    text = str(document)
    for model in definition.publishes:
        assert model.topic.name in text
        assert model.name in text


async def test_echoes_or_starts_a_correlation_id(service) -> None:
    _, _, client = service
    given = str(uuid.uuid4())
    assert (await client.get("/health/live", headers={"X-Correlation-ID": given})).headers["X-Correlation-ID"] == given
    started = (await client.get("/health/live")).headers["X-Correlation-ID"]
    assert uuid.UUID(started)


async def test_unknown_resources_are_404_with_a_reason(service) -> None:
    definition, _, client = service
    path = {
        "profile": "/participants/{id}",
        "matching": "/matches/{id}",
        "scheduling": "/sessions/{id}",
        "notify": "/notifications/{id}",
    }[definition.name].format(id=uuid.uuid4())
    response = await client.get(path)
    assert response.status_code == 404
    assert "no " in response.json()["detail"]
    malformed = await client.get(path.rsplit("/", 1)[0] + "/not-a-uuid")
    assert malformed.status_code == 422
