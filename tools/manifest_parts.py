"""What every generated manifest shares: the release, the Kafka cluster's address, the labels, the
identity provider the overlays replace, and how every pod is locked down."""

from typing import Any

VERSION = "0.1.0"
KAFKA_CLUSTER, KAFKA_NAMESPACE = "mentoring", "kafka"
BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap.{KAFKA_NAMESPACE}.svc:9093"
OIDC_ISSUER = "https://login.example.edu/realms/mentoring-mesh"  # overlays replace it with the institution's
INGRESS_NAMESPACE = "ingress-nginx"  # the controller's: the only way in from outside the cluster
SUPPRESSIONS = {  # checkov findings we accept, each with its reason
    "checkov.io/skip1": "CKV_K8S_43=Images are pinned by tag in the base; overlays pin digests at release (kustomize images).",
    "checkov.io/skip2": "CKV_K8S_35=Settings come only from the environment (12-factor); secrets are injected by secretKeyRef, never baked in.",
}
JOB_SUPPRESSIONS = {
    **SUPPRESSIONS,
    "checkov.io/skip3": "CKV_K8S_8=A one-shot migration job serves no liveness endpoint.",
    "checkov.io/skip4": "CKV_K8S_9=A one-shot migration job serves no readiness endpoint.",
}


def labels(service: str, component: str = "api") -> dict[str, str]:
    return {
        "app.kubernetes.io/name": service,
        "app.kubernetes.io/part-of": "mentoring-mesh",
        "app.kubernetes.io/component": component,
    }


def meta(name: str, service: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "labels": labels(service), **extra}


def migration_job_name(name: str) -> str:
    """The version is in the name because a Job is immutable: each release applies its own."""
    return f"{name}-migrate-{VERSION.replace('.', '-')}"


def pod_security() -> dict[str, Any]:
    """Non-root UID 10001 (the images' user), and the runtime's default seccomp profile."""
    return {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "runAsGroup": 10001,
        "fsGroup": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security() -> dict[str, Any]:
    """A read-only root filesystem (only /tmp, an emptyDir, is written), no privilege, no capability."""
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def dns_egress() -> dict[str, Any]:
    return {
        "to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }


def postgres_egress() -> dict[str, Any]:
    """Its own PostgreSQL: a managed server outside the cluster; overlays narrow the ipBlock."""
    return {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 5432}]}


def idp_egress() -> dict[str, Any]:
    """The identity provider (discovery document, keys, tokens) over HTTPS, wherever the institution
    runs it; overlays narrow the ipBlock."""
    return {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}


def api_egress(service: str) -> dict[str, Any]:
    """One of the four APIs' pods, in this namespace, on the port they serve."""
    return {
        "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": service, "app.kubernetes.io/component": "api"}}}],
        "ports": [{"protocol": "TCP", "port": 8000}],
    }
