"""OpenTelemetry traces across the whole path: an HTTP request, the events it emits (their W3C
trace context in the CloudEvents distributed-tracing extension, so on the outbox row and the Kafka
record), the consumer that handles each, the events that emits in turn, and a mail sent for one.

Spans are always made (cheaply), so the trace context travels with every event; they leave the
process only when an OTLP endpoint is configured by the standard environment
(``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``; protocol http/protobuf).
Off by default. ``OTEL_SDK_DISABLED=true`` turns tracing off altogether.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypedDict

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind

__all__ = ["SpanKind", "TraceContext", "configure_tracing", "continued", "current_context", "exporting", "shutdown_tracing"]

_provider: TracerProvider | None = None


def configure_tracing(service: str) -> TracerProvider | None:
    """Once per process: the service's tracer provider, exporting over OTLP only when configured."""
    global _provider
    if _provider is not None or os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return _provider
    _provider = TracerProvider(resource=Resource.create({SERVICE_NAME: f"mesh-{service}"}))
    if exporting():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        delay = None if os.environ.get("OTEL_BSP_SCHEDULE_DELAY") else 1000  # the variable wins; else every second
        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=delay))
    trace.set_tracer_provider(_provider)
    return _provider


def exporting() -> bool:
    """Spans leave the process only where an OTLP endpoint is configured: never by default."""
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def shutdown_tracing() -> None:
    """Flushes the spans still buffered (on drain)."""
    if _provider is not None:
        _provider.force_flush(timeout_millis=5000)


class TraceContext(TypedDict, total=False):
    """The W3C trace context, named as an envelope's distributed-tracing extension names it."""

    traceparent: str
    tracestate: str


def current_context() -> TraceContext:
    """``traceparent`` (and ``tracestate``) of the current span, for an event's envelope; empty outside one."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    context = TraceContext()
    if "traceparent" in carrier:
        context["traceparent"] = carrier["traceparent"]
    if "tracestate" in carrier:
        context["tracestate"] = carrier["tracestate"]
    return context


@contextmanager
def continued(
    name: str,
    traceparent: str | None,
    tracestate: str | None = None,
    *,
    kind: SpanKind = SpanKind.CONSUMER,
    **attributes: str | int,
) -> Iterator[Span]:
    """A span continuing the trace an event (or a stored row) carries; a new trace without one."""
    carrier = {"traceparent": traceparent} if traceparent else {}
    if traceparent and tracestate:
        carrier["tracestate"] = tracestate
    parent = propagate.extract(carrier) if carrier else None
    with trace.get_tracer("mesh_runtime").start_as_current_span(name, context=parent, kind=kind, attributes=attributes) as span:
        yield span
