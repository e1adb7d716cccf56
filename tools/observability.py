"""What an operator watches: the Prometheus Operator's ServiceMonitor and PrometheusRule, and a
Grafana dashboard, all over the metrics every service exposes at /metrics (mesh_runtime.metrics).

Every expression names only metrics the runtime registers; tests/unit/deploy/test_observability.py holds
them against the registry, so renaming a metric breaks the build rather than an alert.
"""

import json
from typing import Any

PART_OF = {"app.kubernetes.io/part-of": "mentoring-mesh"}
MONITORING_NAMESPACE = "monitoring"  # where Prometheus runs: allowed to scrape by each NetworkPolicy
ERRORS = 'status=~"5.."'

ALERTS: list[dict[str, Any]] = [
    {
        "alert": "MeshConsumerLagGrowing",
        "expr": "sum by (namespace, service) (mesh_consumer_lag_records) > 500 and "
        "sum by (namespace, service) (deriv(mesh_consumer_lag_records[10m])) > 0",
        "for": "10m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "{{ $labels.service }} falls behind on Kafka",
            "description": "{{ $value | humanize }} records not yet applied and still growing for 10 minutes: "
            "the consumer is slow, stuck on a transient failure (its log says which), or "
            "needs replicas (KEDA scales it up to its partitions).",
        },
    },
    {
        "alert": "MeshOutboxStuck",
        "expr": "max by (namespace, service) (mesh_outbox_oldest_age_seconds) > 300",
        "for": "5m",
        "labels": {"severity": "critical"},
        "annotations": {
            "summary": "{{ $labels.service }} publishes nothing",
            "description": "Its oldest unpublished event is {{ $value | humanizeDuration }} old: the relay "
            "cannot reach Kafka, or its topic refuses the write. Nothing is lost (the rows "
            "wait), but no other service hears of it.",
        },
    },
    {
        "alert": "MeshDeadLettersArriving",
        "expr": "sum by (namespace, service, reason) (increase(mesh_dead_letters_total[15m])) > 0",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "{{ $labels.service }} dead-letters events ({{ $labels.reason }})",
            "description": "Records it can never apply went to its dead-letter topic. Inspect them and, "
            "once fixed, replay: mesh-deadletters list|replay --group {{ $labels.service }} "
            "(deploy/README.md, Reading lag and the dead-letter topics).",
        },
    },
    {
        "alert": "MeshHttpErrorRate",
        "expr": f"sum by (namespace, service) (rate(mesh_http_request_duration_seconds_count{{{ERRORS}}}[5m])) / "
        "sum by (namespace, service) (rate(mesh_http_request_duration_seconds_count[5m])) > 0.05",
        "for": "10m",
        "labels": {"severity": "critical"},
        "annotations": {
            "summary": "{{ $labels.service }} answers 5xx",
            "description": "{{ $value | humanizePercentage }} of its requests fail on the server side "
            "(503: its database is unreachable; anything else is a defect).",
        },
    },
    {
        "alert": "MeshDatabasePoolExhausted",
        "expr": "sum by (namespace, service) (mesh_db_pool_connections_in_use) / "
        "sum by (namespace, service) (mesh_db_pool_connections) > 0.9",
        "for": "10m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "{{ $labels.service }} uses nearly all its database connections",
            "description": "Requests wait up to 5 s for a connection, then answer 503.",
        },
    },
]


def service_monitor() -> dict[str, Any]:
    """One monitor for the four services: their Service's http port, /metrics, every 30 s."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "mentoring-mesh", "labels": PART_OF},
        # the APIs' Services only: the web app (component web) serves no /metrics
        "spec": {
            "selector": {"matchLabels": {**PART_OF, "app.kubernetes.io/component": "api"}},
            "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s", "scrapeTimeout": "10s"}],
        },
    }


def prometheus_rule() -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "mentoring-mesh", "labels": PART_OF},
        "spec": {"groups": [{"name": "mentoring-mesh", "rules": ALERTS}]},
    }


def _panel(index: int, title: str, unit: str, *targets: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [{"refId": chr(65 + n), "expr": expr, "legendFormat": legend} for n, (expr, legend) in enumerate(targets)],
    }


SCOPE = 'namespace="$namespace", service=~"$service"'
PANELS = [
    (
        "Requests per second, by status",
        "reqps",
        (f"sum by (service, status) (rate(mesh_http_request_duration_seconds_count{{{SCOPE}}}[5m]))", "{{service}} {{status}}"),
    ),
    (
        "Request latency p99, by route",
        "s",
        (
            f"histogram_quantile(0.99, sum by (service, route, le) (rate(mesh_http_request_duration_seconds_bucket{{{SCOPE}}}[5m])))",
            "{{service}} {{route}}",
        ),
    ),
    (
        "Consumer lag (records), by partition",
        "short",
        (f"sum by (service, topic, partition) (mesh_consumer_lag_records{{{SCOPE}}})", "{{service}} {{topic}}/{{partition}}"),
    ),
    (
        "Event handling p99, by event type",
        "s",
        (
            f"histogram_quantile(0.99, sum by (service, event_type, le) (rate(mesh_event_handling_duration_seconds_bucket{{{SCOPE}}}[5m])))",
            "{{service}} {{event_type}}",
        ),
    ),
    (
        "Events consumed per second, by outcome",
        "short",
        (f"sum by (service, outcome) (rate(mesh_events_consumed_total{{{SCOPE}}}[5m]))", "{{service}} {{outcome}}"),
        (f"sum by (service) (rate(mesh_inbox_duplicates_total{{{SCOPE}}}[5m]))", "{{service}} duplicates skipped"),
    ),
    (
        "Dead letters, by reason (15 min)",
        "short",
        (f"sum by (service, reason) (increase(mesh_dead_letters_total{{{SCOPE}}}[15m]))", "{{service}} {{reason}}"),
    ),
    (
        "Outbox backlog and oldest row",
        "short",
        (f"sum by (service) (mesh_outbox_backlog{{{SCOPE}}})", "{{service}} rows"),
        (f"max by (service) (mesh_outbox_oldest_age_seconds{{{SCOPE}}})", "{{service}} oldest (s)"),
    ),
    (
        "Database connections in use / open",
        "short",
        (f"sum by (service) (mesh_db_pool_connections_in_use{{{SCOPE}}})", "{{service}} in use"),
        (f"sum by (service) (mesh_db_pool_connections{{{SCOPE}}})", "{{service}} open"),
    ),
]


def dashboard() -> dict[str, Any]:
    def variable(name: str, query: str, multi: bool) -> dict[str, Any]:
        return {
            "name": name,
            "type": "query",
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "query": {"query": query, "refId": name},
            "refresh": 2,
            "multi": multi,
            "includeAll": multi,
        }

    return {
        "uid": "mentoring-mesh",
        "title": "Mentoring Mesh",
        "tags": ["mentoring-mesh"],
        "schemaVersion": 39,
        "timezone": "browser",
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {"name": "datasource", "type": "datasource", "query": "prometheus"},
                variable("namespace", "label_values(mesh_outbox_backlog, namespace)", False),
                variable("service", 'label_values(mesh_outbox_backlog{namespace="$namespace"}, service)', True),
            ]
        },
        "panels": [_panel(index, title, unit, *targets) for index, (title, unit, *targets) in enumerate(PANELS)],
    }


def dashboard_config_map() -> dict[str, Any]:
    """For Grafana's dashboard sidecar (label grafana_dashboard); the JSON also imports by hand."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "mentoring-mesh-dashboard", "labels": {**PART_OF, "grafana_dashboard": "1"}},
        "data": {"mentoring-mesh.json": json.dumps(dashboard(), indent=2, sort_keys=True)},
    }


def expressions() -> list[str]:
    """Every PromQL expression of the alerts and the dashboard."""
    return [rule["expr"] for rule in ALERTS] + [target["expr"] for panel in dashboard()["panels"] for target in panel["targets"]]
