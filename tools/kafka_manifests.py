"""Strimzi resources: the topics, each service's KafkaUser (least privilege), and the operator's
user that replays dead letters (mesh-deadletters)."""

from typing import Any

from mentoring_contracts import TOPICS, dead_letter_spec
from mesh_runtime.app import ServiceDefinition
from mesh_runtime.registry import service_definitions
from tools.manifest_parts import KAFKA_CLUSTER, labels

DEAD_LETTER_OPERATOR = "mesh-deadletters"


def _topic_acl(topic: str, *operations: str) -> dict[str, Any]:
    return {"resource": {"type": "topic", "name": topic, "patternType": "literal"}, "operations": list(operations)}


def _user(name: str, user_labels: dict[str, str], acls: list[dict[str, Any]]) -> dict[str, Any]:
    acls = [
        *acls,
        {"resource": {"type": "transactionalId", "name": "*", "patternType": "literal"}, "operations": ["Describe"]},
        {"resource": {"type": "cluster"}, "operations": ["IdempotentWrite"]},
    ]
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaUser",
        "metadata": {"name": name, "labels": {**user_labels, "strimzi.io/cluster": KAFKA_CLUSTER}},
        "spec": {"authentication": {"type": "scram-sha-512"}, "authorization": {"type": "simple", "acls": acls}},
    }


def kafka_user(service: ServiceDefinition, consumed: list[str], published: list[str]) -> dict[str, Any]:
    """Only what the service reads and writes; its consumer group; its own dead-letter topic, which it
    writes and may read (``mesh-deadletters list`` in its pod, with its own credentials)."""
    acls = [_topic_acl(topic, "Read", "Describe") for topic in consumed]
    acls += [_topic_acl(topic, "Write", "Describe") for topic in published]
    if consumed:
        acls.append(
            {"resource": {"type": "group", "name": service.name, "patternType": "literal"}, "operations": ["Read", "Describe"]}
        )
        acls.append(_topic_acl(dead_letter_spec(service.name).name, "Write", "Read", "Describe"))
    return _user(f"mesh-{service.name}", labels(service.name), acls)


def dead_letter_operator() -> dict[str, Any]:
    """For replaying after a fix: reads every service's dead letters and writes them back to the topics
    they came from, which no service's own user may write (matching must not forge profile's events)."""
    consuming = [s for s in service_definitions() if s.consumes]
    acls = [_topic_acl(dead_letter_spec(s.name).name, "Read", "Describe") for s in consuming]
    acls += [_topic_acl(topic, "Write", "Describe") for topic in sorted({e.topic.name for s in consuming for e in s.consumes})]
    return _user(
        DEAD_LETTER_OPERATOR, {"app.kubernetes.io/part-of": "mentoring-mesh", "app.kubernetes.io/component": "operations"}, acls
    )


def topics() -> list[dict[str, Any]]:
    specs = [*TOPICS, *(dead_letter_spec(s.name) for s in service_definitions() if s.consumes)]
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaTopic",
            "metadata": {
                "name": t.name.replace(".", "-"),
                "labels": {"strimzi.io/cluster": KAFKA_CLUSTER, "app.kubernetes.io/part-of": "mentoring-mesh"},
            },
            "spec": {
                "topicName": t.name,
                "partitions": t.partitions,
                "replicas": 3,
                "config": {**t.config, "min.insync.replicas": "2"},
            },
        }
        for t in specs
    ]
