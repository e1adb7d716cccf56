"""Prometheus metrics, the same in every service, at ``GET /metrics`` (prometheus-client).

Each service has its own registry (several services may share a test process). What is counted as
it happens: HTTP requests by route template, method and status; event handling by event type and
outcome; records dead-lettered by reason; redelivered events skipped by the inbox. What is read at
each scrape: the consumer group's lag on each partition it holds, the outbox's backlog and the age
of its oldest unpublished row, and the database connections in use.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import structlog
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from mesh_runtime.db import DATABASE_TROUBLE

log = structlog.get_logger(__name__)
router = APIRouter(tags=["health"])
UNMATCHED = "<unmatched>"  # a path no route serves: one label, so scanners cannot grow the series
SCRAPE_READ_SECONDS = 2  # what a scrape reads from the database waits no longer (Prometheus times out at 10 s)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Histogram(
            "mesh_http_request_duration_seconds",
            "HTTP requests, by route template and status.",
            ["service", "method", "route", "status"],
            registry=registry,
        )
        self.handling = Histogram(
            "mesh_event_handling_duration_seconds",
            "One event's handler, by event type.",
            ["service", "event_type"],
            registry=registry,
        )
        self.outcomes = Counter(
            "mesh_events_consumed_total", "Consumed records, by outcome.", ["service", "outcome"], registry=registry
        )
        self.dead_letters = Counter(
            "mesh_dead_letters_total",
            "Records sent to the dead-letter topic, by reason.",
            ["service", "reason"],
            registry=registry,
        )
        self.duplicates = Counter(
            "mesh_inbox_duplicates_total",
            "Redelivered events the inbox skipped, by event type.",
            ["service", "event_type"],
            registry=registry,
        )
        self.outbox_backlog = Gauge("mesh_outbox_backlog", "Outbox rows not yet published.", ["service"], registry=registry)
        self.outbox_oldest = Gauge(
            "mesh_outbox_oldest_age_seconds",
            "Age of the oldest unpublished outbox row (0: none).",
            ["service"],
            registry=registry,
        )
        self.pool_in_use = Gauge(
            "mesh_db_pool_connections_in_use", "Database connections checked out.", ["service"], registry=registry
        )
        self.pool_size = Gauge("mesh_db_pool_connections", "Database connections open.", ["service"], registry=registry)
        self.consumer_lag = Gauge(
            "mesh_consumer_lag_records",
            "Records on a partition the group has not committed yet (log end offset minus committed offset).",
            ["service", "topic", "partition"],
            registry=registry,
        )
        self.service = service

    def handled(self, event_type: str, seconds: float) -> None:
        self.handling.labels(self.service, event_type).observe(seconds)

    def consumed(self, outcome: str) -> None:
        self.outcomes.labels(self.service, outcome).inc()

    def dead_lettered(self, reason: str) -> None:
        self.dead_letters.labels(self.service, reason).inc()

    def duplicate(self, event_type: str) -> None:
        self.duplicates.labels(self.service, event_type).inc()


def request_timer(metrics: ServiceMetrics) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Middleware: each request's duration under its route's template (``/matches/{match_id}``), never its raw path."""

    async def timed(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            metrics.requests.labels(metrics.service, request.method, template, str(status)).observe(time.perf_counter() - started)

    return timed


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format).",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(request: Request) -> Response:
    found: ServiceMetrics = request.app.state.metrics
    components = getattr(request.app.state, "components", None)
    if components is not None:
        pool = components.database.pool
        found.pool_size.labels(found.service).set(pool.get_size())
        found.pool_in_use.labels(found.service).set(pool.get_size() - pool.get_idle_size())
        try:  # a database or broker down still gets its counters scraped; the gauges keep their last reading
            async with pool.acquire(timeout=SCRAPE_READ_SECONDS) as connection:  # a full pool: not waited for long
                row = await connection.fetchrow(
                    "SELECT count(*) AS backlog, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS oldest "
                    "FROM mesh_outbox WHERE published_at IS NULL",
                    timeout=SCRAPE_READ_SECONDS,
                )
            found.outbox_backlog.labels(found.service).set(row["backlog"])
            found.outbox_oldest.labels(found.service).set(float(row["oldest"]))
        except DATABASE_TROUBLE as error:
            log.warning("outbox not read for metrics", error=str(error))
        try:
            await asyncio.wait_for(record_consumer_lag(found, components.broker.subscribers), timeout=3)
        except (KafkaError, TimeoutError) as error:
            log.warning("consumer lag not read for metrics", error=str(error))
    return Response(generate_latest(found.registry), media_type=CONTENT_TYPE_LATEST)


async def record_consumer_lag(metrics: ServiceMetrics, subscribers: Iterable[Any]) -> None:
    """For every partition assigned to this process: log end offset minus the group's committed offset
    (all of it when nothing is committed yet). Partitions no longer held drop out; when the broker
    cannot be read, every gauge keeps its last reading (an alert on growing lag must not resolve
    because the broker is down)."""
    readings: list[tuple[str, int, int]] = []
    for subscriber in subscribers:
        consumer = getattr(subscriber, "consumer", None)  # FastStream's aiokafka consumer, once started
        if consumer is None:
            continue
        assigned = sorted(consumer.assignment(), key=lambda tp: (tp.topic, tp.partition))
        if not assigned:
            continue
        ends = await consumer.end_offsets(assigned)
        for partition in assigned:
            committed = await consumer.committed(partition) or 0
            readings.append((partition.topic, partition.partition, max(ends[partition] - committed, 0)))
    metrics.consumer_lag.clear()
    for topic, partition_number, lag in readings:
        metrics.consumer_lag.labels(metrics.service, topic, str(partition_number)).set(lag)
