"""Builds a service's ASGI app: its own wiring is data; the plumbing here is the same for all four."""

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi_offline import FastAPIOffline
from faststream.specification import AsyncAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.exceptions import HTTPException as StarletteHTTPException

from mentoring_contracts import TOPICS, Event, dead_letter_spec
from mesh_runtime import audit, health, metrics, rate_limit
from mesh_runtime.body_limit import BodyLimitMiddleware
from mesh_runtime.broker import batch_publisher, create_broker, ensure_topics, record_publisher, subscribe
from mesh_runtime.clock import Clock
from mesh_runtime.components import Components, Worker
from mesh_runtime.consumer import EventConsumer, GroupHandler, Handler, Prefetch
from mesh_runtime.db import Database, DatabaseUnavailable, UnitOfWork, as_connection, create_pool
from mesh_runtime.handlers import HandlerTable, bind, consumed_events
from mesh_runtime.http import correlation_middleware
from mesh_runtime.identity.http import authenticate
from mesh_runtime.identity.keys import IssuerKeys, KeysUnavailable
from mesh_runtime.identity.tokens import TokenVerifier
from mesh_runtime.kafka_security import broker_security, client_options
from mesh_runtime.keyset import BadCursor
from mesh_runtime.logging import configure_logging
from mesh_runtime.metrics import ServiceMetrics, request_timer
from mesh_runtime.migrations import (
    MigrationError,
    apply_migrations,
    check_runtime_role,
    load_migrations,
    pending_migrations,
    role_of,
)
from mesh_runtime.openapi import document_every_answer
from mesh_runtime.outbox import OutboxRelay
from mesh_runtime.peers import ServiceIdentity
from mesh_runtime.problems import (
    http_exception_as_problem,
    unavailable_as_problem,
    unstorable_text_as_problem,
    validation_error_as_problem,
)
from mesh_runtime.refusals import Refusal, RefusalTable, install_refusals
from mesh_runtime.security_headers import SecurityHeaders
from mesh_runtime.settings import ServiceSettings
from mesh_runtime.strict_json import StrictJsonMiddleware
from mesh_runtime.tracing import configure_tracing, shutdown_tracing

log = structlog.get_logger(__name__)
RUNTIME_MIGRATIONS = "mesh_runtime.sql"
# What the runtime's own helpers refuse, answered the same in every service.
RUNTIME_REFUSALS: RefusalTable = {BadCursor: Refusal(422, "invalid-cursor", title="Invalid cursor")}


@dataclass
class ServiceDefinition:
    name: str
    title: str
    description: str
    migrations_package: str
    routers: Sequence[APIRouter]
    # Routes whose URL is itself the credential (a private calendar feed): no bearer token.
    public_routers: Sequence[APIRouter] = ()
    # The unit of work the runtime builds (``UnitOfWork.of``) for every route, handler and worker.
    unit_of_work: type[UnitOfWork] = UnitOfWork
    # One table of module-level functions ``(uow, event)``; what the service consumes is derived from it.
    handlers: HandlerTable = field(default_factory=dict)
    # Refusals of the use cases (``application/errors.py``), mapped to status and problem kind once.
    refusals: RefusalTable = field(default_factory=dict)
    # What it reads from peers, built once and kept on ``Components.peers`` for its units of work.
    peers: Callable[[Components], Any] | None = None
    prefetch: Callable[[Components], Prefetch | None] = lambda _: None  # batch reads from peers (consumer.Prefetch)
    publishes: Sequence[type[Event]] = ()
    workers: Callable[[Components], Sequence[Worker]] = lambda _: ()
    reads_from: Sequence[str] = ()  # the services whose APIs it reads personal data from (its peers)
    settings_class: type[ServiceSettings] = ServiceSettings
    version: str = "0.1.0"

    @property
    def consumes(self) -> list[type[Event]]:
        """Every version of every event its handlers take (each retired one goes to its current one's handler)."""
        return consumed_events(self.handlers)

    def consumer_handlers(self, components: Components) -> Mapping[type[Event], Handler | GroupHandler]:
        """What its consumer calls: each handler given the batch's transaction and a unit of work on it."""
        return bind(self.handlers, self.unit_of_work, components)


def components_of(request: Request) -> Components:
    """FastAPI dependency: the running service's components."""
    return request.app.state.components


async def migrate(definition: ServiceDefinition, settings: ServiceSettings) -> list[str]:
    """As the owner where one is configured, granting the service's own role the use of the tables."""
    migrations = load_migrations(RUNTIME_MIGRATIONS, definition.migrations_package)
    if settings.database_migration_url is None:
        return await apply_migrations(settings.database_url, migrations)
    return await apply_migrations(settings.database_migration_url, migrations, grant_to=role_of(settings.database_url))


async def check_database(definition: ServiceDefinition, pool: asyncpg.Pool) -> None:
    """Refuse to serve as a role that could undo row-level security, or on a schema missing migrations."""
    async with pool.acquire() as pooled:
        connection = as_connection(pooled)
        await check_runtime_role(connection)
        pending = await pending_migrations(connection, load_migrations(RUNTIME_MIGRATIONS, definition.migrations_package))
    if pending:
        raise MigrationError(
            f"{len(pending)} migration(s) not applied ({', '.join(pending[:3])}…): run "
            f"`python -m mesh_{definition.name} migrate` as the owner, or set MESH_DATABASE_MIGRATION_URL"
        )


def token_verifier(service: str, settings: ServiceSettings) -> TokenVerifier:
    keys = IssuerKeys(
        settings.oidc_issuer,
        discovery_url=settings.oidc_discovery_url,
        min_refresh_seconds=settings.oidc_jwks_min_refresh_seconds,
        max_age_seconds=settings.oidc_jwks_max_age_seconds,
    )
    return TokenVerifier(
        keys,
        settings.oidc_audience or f"mesh-{service}",
        algorithms=settings.oidc_algorithms,
        leeway_seconds=settings.oidc_leeway_seconds,
        mapping=settings.claim_mapping(),
        allowed_clients=settings.oidc_allowed_clients,
    )


def build_service(definition: ServiceDefinition, settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or definition.settings_class()
    configure_logging(definition.name, settings.log_level, settings.log_format)
    tracer_provider = configure_tracing(definition.name)
    broker = create_broker(
        settings.kafka_bootstrap_servers,
        client_id=definition.name,
        graceful_timeout=settings.drain_timeout_seconds,
        security=broker_security(settings),
    )
    for model in definition.publishes:
        broker.publisher(model.topic.name, title=f"{definition.name}:{model.name}", schema=model, description=model.__doc__)

    verifier = token_verifier(definition.name, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.database_migration_url is not None:
            await migrate(definition, settings)
        try:  # early, so the first request need not wait; an issuer down now must not stop the service
            await verifier.keys.refresh()
        except KeysUnavailable as error:
            log.warning("issuer keys not fetched at start; will retry on the first token", error=str(error))
        pool = await create_pool(settings.database_url, min_size=settings.db_pool_min_size, max_size=settings.db_pool_max_size)
        await check_database(definition, pool)
        secret = settings.service_client_secret.get_secret_value() if settings.service_client_secret else None
        identity = ServiceIdentity(verifier.keys, settings.service_client_id or f"mesh-{definition.name}", secret)
        components = Components(definition.name, settings, Database(pool), broker, identity, Clock(settings.clock_offset_file))
        if definition.peers is not None:
            components.peers = definition.peers(components)
        app.state.components = components
        handlers = definition.consumer_handlers(components) if settings.consumers_enabled else {}
        consumer = None
        if handlers:
            consumer = EventConsumer(
                definition.name,
                components.database,
                handlers,
                record_publisher(broker),
                prefetch=definition.prefetch(components),
                metrics=app.state.metrics,
            )
            subscribe(
                broker,
                consumer,
                retry_backoff=settings.consumer_retry_backoff_seconds,
                max_records=settings.consumer_batch_max_records,
                batch_timeout_ms=settings.consumer_batch_wait_ms,
            )
        if settings.kafka_create_topics:
            wanted = [*TOPICS, *([dead_letter_spec(consumer.group)] if consumer else [])]
            await ensure_topics(
                settings.kafka_bootstrap_servers, wanted, settings.kafka_topic_replication_factor, **client_options(settings)
            )
        await broker.start()
        relay = OutboxRelay(
            pool,
            batch_publisher(broker),
            dsn=settings.database_url,
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_interval_seconds,
        )
        await relay.start()
        components.database.on_commit_emitted = relay.wake  # in-process: no NOTIFY per commit
        workers = list(definition.workers(components))
        for worker in workers:
            await worker.start()
        log.info("service started", http_port=settings.http_port)
        try:
            yield
        finally:
            components.draining = True
            log.info("service draining")
            for worker in reversed(workers):
                await worker.stop()
            for subscriber in broker.subscribers:  # in-flight events finish and commit first...
                await subscriber.stop()
            await relay.stop()  # ...so the final flush publishes what they emitted
            await broker.stop()
            await components.database.close()
            await identity.close()
            await verifier.keys.close()
            shutdown_tracing()
            log.info("service stopped")

    # Docs assets served by the service itself, not a CDN: campus networks and air-gapped clusters
    # must still show /docs and /redoc.
    app = FastAPIOffline(
        title=definition.title, description=definition.description, version=definition.version, lifespan=lifespan
    )
    app.state.token_verifier = verifier
    app.state.definition = definition
    app.state.unit_of_work = definition.unit_of_work
    app.state.metrics = ServiceMetrics(definition.name)
    app.add_exception_handler(StarletteHTTPException, http_exception_as_problem)
    app.add_exception_handler(DatabaseUnavailable, unavailable_as_problem)
    app.add_exception_handler(RequestValidationError, validation_error_as_problem)
    for unstorable in (asyncpg.UntranslatableCharacterError, asyncpg.CharacterNotInRepertoireError):
        app.add_exception_handler(unstorable, unstorable_text_as_problem)
    install_refusals(app, {**RUNTIME_REFUSALS, **definition.refusals})
    # Added first, innermost: a body is measured before it is parsed, and either refusal is still
    # timed and carries its correlation id.
    app.add_middleware(StrictJsonMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.http_max_body_bytes)
    rate_limit.install(app, settings)  # outside the body limit: a refused request's body is never read
    app.middleware("http")(correlation_middleware)
    app.middleware("http")(request_timer(app.state.metrics))
    app.add_middleware(SecurityHeaders)  # added last, so outermost: on every answer, a 500 from any middleware too
    app.include_router(health.router)
    app.include_router(metrics.router)  # scraped without a token, like the health probes: keep it inside the cluster
    for router in (*definition.routers, audit.router):  # none reachable without a verified token...
        app.include_router(router, dependencies=[Depends(authenticate)])
    for router in definition.public_routers:  # ...but these, whose unguessable URL is the credential
        app.include_router(router)

    document_every_answer(app)
    if tracer_provider is not None:  # a server span per request, continuing a caller's traceparent
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=tracer_provider, excluded_urls="health/live,health/ready,metrics,docs,openapi.json"
        )

    @app.get("/asyncapi.json", tags=["docs"], summary="AsyncAPI 3.0 document of this service's events.")
    async def asyncapi() -> Any:
        return (
            AsyncAPI(broker, title=definition.title, version=definition.version, schema_version="3.0.0")
            .to_specification()
            .to_jsonable()
        )

    return app
