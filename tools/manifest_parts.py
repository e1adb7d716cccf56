"""What every generated manifest shares: the release, the Kafka cluster's address, the labels."""

from typing import Any

VERSION = "0.1.0"
KAFKA_CLUSTER, KAFKA_NAMESPACE = "mentoring", "kafka"
BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap.{KAFKA_NAMESPACE}.svc:9093"


def labels(service: str, component: str = "api") -> dict[str, str]:
    return {"app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "mentoring-mesh",
            "app.kubernetes.io/component": component}


def meta(name: str, service: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "labels": labels(service), **extra}
