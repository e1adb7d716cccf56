"""Alerts, dashboard and KEDA's queries name only metrics the services really expose, by the labels
they really carry: a renamed metric or label fails here, not silently in production."""

import re

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from mesh_runtime.metrics import ServiceMetrics
from mesh_runtime.registry import service_definitions
from tools.kubernetes import resources
from tools.observability import ALERTS, expressions

SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def exposed() -> dict[str, set[str]]:
    """Each series name the runtime registers (with histogram and counter suffixes), and its labels."""
    metrics, service = ServiceMetrics("matching"), {"service": "matching"}
    metrics.requests.labels(method="GET", route="/x", status="200", **service).observe(0.1)
    metrics.handling.labels(event_type="t", **service).observe(0.1)
    metrics.outcomes.labels(outcome="processed", **service).inc()
    metrics.dead_letters.labels(reason="ValueError", **service).inc()
    metrics.duplicates.labels(event_type="t", **service).inc()
    metrics.consumer_lag.labels(topic="t", partition="0", **service).set(1)
    for gauge in (metrics.outbox_backlog, metrics.outbox_oldest, metrics.pool_in_use, metrics.pool_size):
        gauge.labels(**service).set(1)
    names: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for sample in family.samples:
            names.setdefault(sample.name, set()).update(sample.labels)
    return names


def queried(expression: str) -> list[tuple[str, set[str]]]:
    """(metric, labels matched or grouped by) for every mesh_ metric the expression reads."""
    found = []
    for match in re.finditer(r"(mesh_[a-z_]+)(\{([^}]*)\})?", expression):
        found.append((match.group(1), set(re.findall(r"([a-z_]+)\s*[=!~]", match.group(3) or ""))))
    return found


def test_every_expression_reads_metrics_and_labels_the_services_expose() -> None:
    series = exposed()
    queries = expressions() + [
        trigger["metadata"]["query"]
        for definition in service_definitions()
        for doc in resources(definition)
        if doc["kind"] == "ScaledObject"
        for trigger in doc["spec"]["triggers"]
        if trigger["type"] == "prometheus"
    ]
    assert len(queries) >= len(ALERTS) + 8
    for expression in queries:
        for name, labels in queried(expression):
            assert name in series, f"{name} is not a metric the services expose: {expression}"
            assert labels - {"namespace"} <= series[name], f"{name} has no label {labels - series[name]}: {expression}"
        grouped = {label.strip() for group in re.findall(r"by \(([^)]*)\)", expression) for label in group.split(",")}
        assert grouped - {"namespace", "le"} <= set().union(*(series[name] for name, _ in queried(expression))), expression


def test_an_alert_a_typo_would_silence_is_caught() -> None:
    """The check itself: a metric the runtime does not register is reported."""
    assert queried('rate(mesh_http_requests_total{status="500"}[5m])') == [("mesh_http_requests_total", {"status"})]
    assert "mesh_http_requests_total" not in exposed()
