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


def container(
    name: str,
    env: list[dict[str, Any]],
    mounts: list[dict[str, Any]],
    args: list[str] | None,
    *,
    live: str,
    ready: str,
    starting: int,
) -> dict[str, Any]:
    """One image of the release, its settings from ``<name>-config`` and ``env``; run with ``args`` (a
    one-shot job: no port, no probe), or serving on port 8000 with probes on ``live`` and ``ready``,
    allowed ``starting`` checks two seconds apart to start."""
    spec: dict[str, Any] = {
        "name": name,
        "image": f"mentoring-mesh/{name}:{VERSION}",
        "imagePullPolicy": "Always",
        "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
        "env": env,
        "securityContext": container_security(),
        "resources": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
        "volumeMounts": mounts,
    }
    if args:
        spec["args"] = args
        return spec
    spec["ports"] = [{"name": "http", "containerPort": 8000}]
    probe = {"httpGet": {"path": live, "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 3}
    spec["startupProbe"] = {**probe, "periodSeconds": 2, "failureThreshold": starting}
    spec["livenessProbe"] = {**probe, "failureThreshold": 3}
    spec["readinessProbe"] = {
        "httpGet": {"path": ready, "port": "http"},
        "periodSeconds": 5,
        "timeoutSeconds": 4,
        "failureThreshold": 2,
    }
    return spec


def pod_spec(account: str, containers: list[dict[str, Any]], volumes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Under its own service account, whose token is never mounted, locked down (``pod_security``)."""
    return {
        "serviceAccountName": account,
        "automountServiceAccountToken": False,
        "securityContext": pod_security(),
        "containers": containers,
        "volumes": volumes,
        **extra,
    }


def workload(name: str, component: str, config: dict[str, str], pod: dict[str, Any]) -> list[dict[str, Any]]:
    """Its ServiceAccount and ConfigMap, two replicas rolled one at a time, the Service (port 80) in front
    of them, and a disruption budget that keeps one serving."""
    metadata = {"name": name, "labels": labels(name, component)}
    selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": dict(metadata), "automountServiceAccountToken": False},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {**metadata, "name": f"{name}-config"}, "data": config},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {**metadata, "annotations": dict(SUPPRESSIONS)},
            "spec": {
                "replicas": 2,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": selector},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                "template": {"metadata": {"labels": labels(name, component)}, "spec": pod},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": dict(metadata),
            "spec": {"selector": selector, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": dict(metadata),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": dict(selector)}},
        },
    ]


def migration_job(name: str, pod: dict[str, Any]) -> dict[str, Any]:
    """One Job per release applies migrations before the new pods start (not an init container racing
    across replicas); ``migration_job_name`` carries the version because a Job is immutable."""
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": migration_job_name(name),
            "labels": labels(name, "migration"),
            "annotations": dict(JOB_SUPPRESSIONS),
        },
        "spec": {
            "backoffLimit": 3,
            "activeDeadlineSeconds": 600,
            "ttlSecondsAfterFinished": 86400,
            "template": {"metadata": {"labels": labels(name, "migration")}, "spec": pod},
        },
    }
