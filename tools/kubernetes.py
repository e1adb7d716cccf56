"""Renders deploy/kubernetes/base from the services' own declarations, so every service has the
same shape and each one's Kafka ACLs, topics and scaling follow what its code publishes and consumes.
The web app's manifests come from tools/web_manifests.py.

  python -m tools.kubernetes generate | check
"""

import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

from mentoring_contracts import TOPICS, topics_read
from mesh_runtime.app import ServiceDefinition
from mesh_runtime.registry import service_definitions
from mesh_runtime.settings import ServiceSettings
from tools import manifest_parts
from tools.kafka_manifests import dead_letter_operator, kafka_user, topics
from tools.manifest_parts import (
    BOOTSTRAP,
    INGRESS_NAMESPACE,
    KAFKA_CLUSTER,
    KAFKA_NAMESPACE,
    OIDC_ISSUER,
    api_egress,
    dns_egress,
    idp_egress,
    meta,
    postgres_egress,
    workload,
)
from tools.observability import MONITORING_NAMESPACE, dashboard, dashboard_config_map, prometheus_rule, service_monitor
from tools.web_manifests import WEB, web_resources

BASE = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes" / "base"
DASHBOARD = BASE.parent / "grafana" / "mentoring-mesh.json"
PROMETHEUS = f"http://prometheus-operated.{MONITORING_NAMESPACE}.svc:9090"  # KEDA's prometheus trigger asks it
DRAIN_DELAY, DRAIN_TIMEOUT = 5, 20
NAMESPACE = "mentoring-mesh"  # the prod overlay's; the Ingress's custom-headers annotation must name it
RESPONSE_HEADERS = "mentoring-mesh-response-headers"
INGRESS_CONNECTIONS_PER_ADDRESS = 20  # open at once per client address (ingress-nginx limit-connections)
HSTS = "max-age=31536000; includeSubDomains"  # a year; no preload: that binds the whole domain, the institution's call


def env(service: ServiceDefinition) -> list[dict[str, Any]]:
    secret = [
        {"name": "MESH_DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": f"{service.name}-database", "key": "url"}}},
        {"name": "MESH_KAFKA_SASL_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"mesh-{service.name}", "key": "password"}}},
    ]
    if service.reads_from:  # its own OAuth client, for reading personal data from its peers' APIs
        secret.append(
            {
                "name": "MESH_SERVICE_CLIENT_SECRET",
                "valueFrom": {"secretKeyRef": {"name": f"mesh-{service.name}-oidc", "key": "client-secret"}},
            }
        )
    if service.name == "notify":
        secret.append(
            {
                "name": "MESH_SMTP_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "notify-smtp", "key": "password", "optional": True}},
            }
        )
    return secret


def container(service: ServiceDefinition, args: list[str] | None = None) -> dict[str, Any]:
    mounts = [{"name": "kafka-ca", "mountPath": "/etc/kafka-ca", "readOnly": True}, {"name": "tmp", "mountPath": "/tmp"}]
    return manifest_parts.container(
        service.name, env(service), mounts, args, live="/health/live", ready="/health/ready", starting=60
    )


def pod_spec(service: ServiceDefinition, containers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    volumes = [
        {
            "name": "kafka-ca",
            "secret": {"secretName": f"{KAFKA_CLUSTER}-cluster-ca-cert", "items": [{"key": "ca.crt", "path": "ca.crt"}]},
        },
        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
    ]
    return manifest_parts.pod_spec(service.name, containers, volumes, **extra)


def resources(service: ServiceDefinition) -> list[dict[str, Any]]:
    name = service.name
    consumed = list(topics_read(service.consumes))  # a type's former topics too: it is refused there
    published = sorted({m.topic.name for m in service.publishes})
    config = {
        "MESH_KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
        "MESH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "MESH_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "MESH_KAFKA_SASL_USERNAME": f"mesh-{name}",
        "MESH_KAFKA_SSL_CA_FILE": "/etc/kafka-ca/ca.crt",
        "MESH_KAFKA_CREATE_TOPICS": "false",
        "MESH_HTTP_HOST": "0.0.0.0",
        "MESH_HTTP_PORT": "8000",
        "MESH_LOG_FORMAT": "json",
        "MESH_LOG_LEVEL": "INFO",
        "MESH_DRAIN_DELAY_SECONDS": str(DRAIN_DELAY),
        "MESH_DRAIN_TIMEOUT_SECONDS": str(DRAIN_TIMEOUT),
        "MESH_DB_POOL_MAX_SIZE": "10",
        # The institution's identity provider (deploy/README.md, "Identity"): overlays set the issuer;
        # the claim mapping is spelled out so that pointing it at another IdP is a change of values here.
        "MESH_OIDC_ISSUER": OIDC_ISSUER,
        "MESH_OIDC_AUDIENCE": f"mesh-{name}",
        "MESH_OIDC_CLAIM_ROLES": "roles",
        "MESH_OIDC_CLAIM_INSTITUTION": "institution",
        "MESH_OIDC_CLAIM_CAMPUSES": "campuses",
        "MESH_OIDC_CLAIM_PROGRAMS": "programs",
        "MESH_OIDC_ROLE_PARTICIPANT": "participant",
        "MESH_OIDC_ROLE_COORDINATOR": "coordinator",
        "MESH_OIDC_ROLE_ADMIN": "admin",
        "MESH_OIDC_ROLE_SERVICE": "service",
        # X-Forwarded-For is taken only from these peers (default 127.0.0.1). The NetworkPolicy admits
        # only ingress-nginx (which, without use-forwarded-headers, sets it to the address it saw),
        # monitoring and peer services: the per-address limit must see clients, not the controller.
        "MESH_HTTP_FORWARDED_ALLOW_IPS": "*",
    }
    if service.reads_from:
        config |= {
            "MESH_SERVICE_CLIENT_ID": f"mesh-{name}",
            **{f"MESH_{peer.upper()}_API_URL": f"http://{peer}" for peer in service.reads_from},
        }
    if name == "notify":
        config |= {
            "MESH_SMTP_HOST": "smtp.example.edu",
            "MESH_SMTP_PORT": "587",
            "MESH_SMTP_STARTTLS": "true",
            "MESH_SMTP_FROM": "Mentoring Mesh <no-reply@example.edu>",
            # Mails sent at once per replica; each sender holds one of the pool's connections.
            "MESH_DELIVERY_CONCURRENCY": "4",
            "MESH_PUBLIC_BASE_URL": "https://matching.mentoring.example.edu",
            "MESH_SCHEDULING_PUBLIC_BASE_URL": "https://scheduling.mentoring.example.edu",
        }
    if name == "scheduling":  # the start of every private feed URL, itself a credential: https only
        config["MESH_CALENDAR_BASE_URL"] = "https://scheduling.mentoring.example.edu"
    pod = pod_spec(service, [container(service)], terminationGracePeriodSeconds=DRAIN_DELAY + DRAIN_TIMEOUT + 5)
    docs = [
        *workload(name, "api", config, pod),
        network_policy(service),
        migration_job(service),
        kafka_user(service, consumed, published),
    ]
    if consumed:
        docs += scaling(service, consumed)
    return docs


def network_policy(service: ServiceDefinition) -> dict[str, Any]:
    name = service.name
    egress = [
        dns_egress(),
        {
            "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": KAFKA_NAMESPACE}}}],
            "ports": [{"protocol": "TCP", "port": 9093}],
        },
        postgres_egress(),
        idp_egress(),
    ]
    if name == "notify":
        egress.append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 587}]})
    egress += [api_egress(peer) for peer in service.reads_from]  # the APIs it reads personal data from
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(name, name),
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "from": [
                        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": INGRESS_NAMESPACE}}},
                        # Prometheus scrapes /metrics (which needs no token: only it may reach it)
                        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}}},
                        # its peers reading personal data, and the web app calling for the people signed in to it
                        *(
                            {"podSelector": {"matchLabels": {"app.kubernetes.io/name": caller}}}
                            for caller in [*readers_of(name), WEB]
                        ),
                    ],
                    "ports": [{"protocol": "TCP", "port": 8000}],
                }
            ],
            "egress": egress,
        },
    }


def readers_of(name: str) -> list[str]:
    return sorted(service.name for service in service_definitions() if name in service.reads_from)


def migration_job(service: ServiceDefinition) -> dict[str, Any]:
    name = service.name
    job_container = container(service, args=["migrate"])
    # Only the Job holds the owner's credentials: the service's pods run as a role that owns no table.
    job_container["env"].append(
        {
            "name": "MESH_DATABASE_MIGRATION_URL",
            "valueFrom": {"secretKeyRef": {"name": f"{name}-database", "key": "migration-url"}},
        }
    )
    return manifest_parts.migration_job(name, pod_spec(service, [job_container], restartPolicy="Never"))


def scaling(service: ServiceDefinition, consumed: list[str]) -> list[dict[str, Any]]:
    """KEDA scales consumers on their group's lag, and on requests per second (the services' own
    metrics in Prometheus), never past the partitions the replicas can share."""
    name = service.name
    partitions = min(t.partitions for t in TOPICS if t.name in consumed)
    auth = {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "TriggerAuthentication",
        "metadata": meta(f"{name}-kafka", name),
        "spec": {
            "secretTargetRef": [
                {"parameter": "sasl", "name": f"{name}-keda-kafka", "key": "sasl"},
                {"parameter": "username", "name": f"{name}-keda-kafka", "key": "username"},
                {"parameter": "password", "name": f"mesh-{name}", "key": "password"},
                {"parameter": "tls", "name": f"{name}-keda-kafka", "key": "tls"},
                {"parameter": "ca", "name": f"{KAFKA_CLUSTER}-cluster-ca-cert", "key": "ca.crt"},
            ]
        },
    }
    scaled = {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": meta(name, name),
        "spec": {
            "scaleTargetRef": {"name": name},
            "minReplicaCount": 2,
            "maxReplicaCount": partitions,
            "pollingInterval": 15,
            "cooldownPeriod": 300,
            "triggers": [
                {
                    "type": "kafka",
                    "authenticationRef": {"name": f"{name}-kafka"},
                    "metadata": {
                        "bootstrapServers": BOOTSTRAP,
                        "consumerGroup": name,
                        "lagThreshold": "200",
                        "activationLagThreshold": "10",
                        "allowIdleConsumers": "false",
                    },
                },
                {
                    "type": "prometheus",
                    "metadata": {
                        "serverAddress": PROMETHEUS,
                        "threshold": "50",
                        "activationThreshold": "5",
                        "query": f'sum(rate(mesh_http_request_duration_seconds_count{{service="{name}"}}[2m]))',
                    },
                },
            ],
        },
    }
    return [auth, scaled]


def public_paths(service: ServiceDefinition) -> list[str]:
    """What the Ingress passes on: the API's routes (by their first segment) and its OpenAPI and AsyncAPI
    documents; never the probes nor ``/metrics``, which answer without a token and stay inside the cluster."""
    routes = [route.path for router in [*service.routers, *service.public_routers] for route in router.routes]
    return sorted({"/" + path.split("/")[1] for path in routes} | {"/openapi.json", "/asyncapi.json"})


def response_headers() -> dict[str, Any]:
    """Headers the Ingress adds to every answer (its ``custom-headers`` annotation names this ConfigMap).
    HSTS is set here, where TLS ends; the services speak plain HTTP inside the cluster and set the rest."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": RESPONSE_HEADERS, "labels": {"app.kubernetes.io/part-of": "mentoring-mesh"}},
        "data": {"Strict-Transport-Security": HSTS},
    }


def ingress_rate_limits() -> dict[str, str]:
    """ingress-nginx's per-address limit, the cluster-wide backstop of the replicas' own buckets
    (mesh_runtime.rate_limit): the same bucket as the app's largest default per-minute budget,
    ``limit-rps`` a second with a burst of a minute's worth (rps x multiplier), so nothing one
    replica would take is refused here. Per controller pod; campus NATs may need ``limit-whitelist``
    in an overlay (docs/configuration.md, "Rate limits")."""
    fields = ServiceSettings.model_fields
    per_minute = max(fields["rate_limit_per_subject_per_minute"].default, fields["rate_limit_per_address_per_minute"].default)
    rps = math.ceil(per_minute / 60)
    return {
        "nginx.ingress.kubernetes.io/limit-rps": str(rps),
        "nginx.ingress.kubernetes.io/limit-burst-multiplier": str(per_minute // rps),
        "nginx.ingress.kubernetes.io/limit-connections": str(INGRESS_CONNECTIONS_PER_ADDRESS),
    }


def ingress_annotations() -> dict[str, str]:
    """What every Ingress of the platform (the APIs', the web app's) asks of ingress-nginx."""
    return {
        "nginx.ingress.kubernetes.io/proxy-body-size": "1m",
        # <namespace>/<name>: overlays in another namespace patch it (overlays/dev)
        "nginx.ingress.kubernetes.io/custom-headers": f"{NAMESPACE}/{RESPONSE_HEADERS}",
        **ingress_rate_limits(),
    }


def ingress() -> dict[str, Any]:
    """The APIs' Ingress, one host per API, for scripts and integrations. The web app, people's door, has
    its own (tools/web_manifests.py): no host, rule or certificate is shared between the two."""
    hosts = [f"{s.name}.mentoring.example.edu" for s in service_definitions()]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": "mentoring-mesh",
            "labels": {"app.kubernetes.io/part-of": "mentoring-mesh"},
            "annotations": ingress_annotations(),
        },
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": hosts, "secretName": "mentoring-mesh-tls"}],
            "rules": [
                {
                    "host": f"{s.name}.mentoring.example.edu",
                    "http": {
                        "paths": [
                            {
                                "path": path,
                                "pathType": "Exact" if "." in path else "Prefix",
                                "backend": {"service": {"name": s.name, "port": {"name": "http"}}},
                            }
                            for path in public_paths(s)
                        ]
                    },
                }
                for s in service_definitions()
            ],
        },
    }


def rendered() -> dict[Path, str]:
    def dump(docs: list[dict[str, Any]]) -> str:
        return "---\n".join(yaml.safe_dump(d, sort_keys=False, width=140) for d in docs)

    files = {BASE / f"{s.name}.yaml": dump(resources(s)) for s in service_definitions()}
    files[BASE / "kafka-topics.yaml"] = dump([*topics(), dead_letter_operator()])
    files[BASE / "ingress.yaml"] = dump([response_headers(), ingress()])
    files[BASE / f"{WEB}.yaml"] = dump(web_resources(ingress_annotations()))
    files[BASE / "monitoring.yaml"] = dump([service_monitor(), prometheus_rule(), dashboard_config_map()])
    files[BASE / "kustomization.yaml"] = yaml.safe_dump(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": sorted(p.name for p in files)},
        sort_keys=False,
    )

    def header(path: Path) -> str:
        if path.name == f"{WEB}.yaml":
            return "# Generated by `make deploy-manifests`; edit tools/web_manifests.py.\n"
        return "# Generated by `make deploy-manifests` from the services' declarations; edit tools/kubernetes.py.\n"

    generated = {path: header(path) + text for path, text in files.items()}
    # The same dashboard for importing by hand (Grafana without the sidecar)
    generated[DASHBOARD] = json.dumps(dashboard(), indent=2, sort_keys=True) + "\n"
    return generated


def main(argv: list[str]) -> int:
    files = rendered()
    if argv[:1] == ["generate"]:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        print(f"wrote {len(files)} files to {BASE.relative_to(BASE.parents[2])}")
        return 0
    stale = [str(p.relative_to(BASE.parents[2])) for p, t in files.items() if not p.exists() or p.read_text() != t]
    if stale:
        print("deploy/kubernetes/base is out of date; run `make deploy-manifests`:", *stale, sep="\n  ")
        return 1
    print(f"deploy/kubernetes/base up to date ({len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
