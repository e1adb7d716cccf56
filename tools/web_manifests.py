"""mesh-web (clients/web), the participants' web app and the browser's only door into the platform:
server-rendered pages over the four APIs, a confidential OIDC client that keeps tokens out of the browser.

Its own host and Ingress (nothing of it is reachable on the APIs' hosts, nor the APIs on its host); no
Kafka; it reaches the four APIs inside the cluster, its IdP over HTTPS and its own PostgreSQL database,
and nothing else. Secrets come from the namespace (deploy/README.md, "The web app"), never from here.
"""

from typing import Any

from mesh_runtime.registry import service_names
from tools import manifest_parts
from tools.manifest_parts import (
    INGRESS_NAMESPACE,
    OIDC_ISSUER,
    api_egress,
    dns_egress,
    idp_egress,
    labels,
    postgres_egress,
    workload,
)

WEB = "web"
COMPONENT = "web"  # not "api": the ServiceMonitor and the APIs' spreading select the APIs by it
HOST = "mentoring.example.edu"  # MESH_WEB_PUBLIC_URL and the IdP's redirect URIs name the same host
TLS_SECRET = "mentoring-mesh-web-tls"
APIS = list(service_names())
SECRETS = {  # variable: (Secret, key), created in the namespace from the institution's secret store
    "MESH_WEB_OIDC_CLIENT_SECRET": ("web-oidc", "client-secret"),
    "MESH_WEB_SESSION_KEYS": ("web-session", "keys"),
    "MESH_WEB_DATABASE_URL": ("web-database", "url"),
}
# The database owner's DSN: only the release's migration Job holds it; the pods run as a role that owns nothing.
MIGRATION_SECRETS = {"MESH_WEB_DATABASE_MIGRATION_URL": ("web-database", "migration-url")}
DRAIN_DELAY = 5  # seconds a stopping pod keeps serving while its endpoint is removed from the ingress controller


def _meta(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "labels": labels(WEB, COMPONENT), **extra}


def config() -> dict[str, str]:
    return {
        "MESH_WEB_PUBLIC_URL": f"https://{HOST}",
        "MESH_WEB_OIDC_ISSUER": OIDC_ISSUER,  # overlays set the institution's, exactly as its tokens' iss
        "MESH_WEB_OIDC_CLIENT_ID": "mesh-web",
        # The APIs' Services (port 80, to their pods' 8000), as the services reach each other
        **{f"MESH_WEB_{api.upper()}_URL": f"http://{api}" for api in APIS},
        "MESH_WEB_HTTP_HOST": "0.0.0.0",
        "MESH_WEB_HTTP_PORT": "8000",
        "MESH_WEB_LOG_FORMAT": "json",
        # uvicorn's --forwarded-allow-ips: X-Forwarded-For/-Proto are taken from any peer, since the
        # NetworkPolicy admits only ingress-nginx, which sets them to what it saw (https, the client).
        "FORWARDED_ALLOW_IPS": "*",
    }


def _secret_env(secrets: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}
        for variable, (secret, key) in secrets.items()
    ]


def container(args: list[str] | None = None) -> dict[str, Any]:
    env = _secret_env(SECRETS | (MIGRATION_SECRETS if args else {}))
    spec = manifest_parts.container(
        WEB, env, [{"name": "tmp", "mountPath": "/tmp"}], args, live="/healthz", ready="/readyz", starting=30
    )
    if not args:  # keep serving while the endpoint is removed, then SIGTERM (the kubelet's own sleep: no binary needed)
        spec["lifecycle"] = {"preStop": {"sleep": {"seconds": DRAIN_DELAY}}}
    return spec


def pod_spec(containers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return manifest_parts.pod_spec(WEB, containers, [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}], **extra)


def network_policy() -> dict[str, Any]:
    """In: only from the ingress controller (no /metrics to scrape, no peer calls it). Out: DNS, its
    PostgreSQL, the IdP over HTTPS (the same ipBlocks as the services', narrowed by overlays) and the
    four APIs' pods; no Kafka, no SMTP, nothing else."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(WEB),
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": WEB}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": INGRESS_NAMESPACE}}}],
                    "ports": [{"protocol": "TCP", "port": 8000}],
                }
            ],
            "egress": [dns_egress(), postgres_egress(), idp_egress(), *(api_egress(api) for api in APIS)],
        },
    }


def migration_job() -> dict[str, Any]:
    """`mesh-web migrate` once per release, as the database's owner, before the new pods serve."""
    return manifest_parts.migration_job(WEB, pod_spec([container(args=["migrate"])], restartPolicy="Never"))


def ingress(annotations: dict[str, str]) -> dict[str, Any]:
    """Its own host, everything on it to the web app. The annotations are the APIs' Ingress's: HSTS
    from the shared response-headers ConfigMap (the app sets its own CSP and the other headers),
    body size and per-address limits."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": _meta(WEB, annotations=dict(annotations)),
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": [HOST], "secretName": TLS_SECRET}],
            "rules": [
                {
                    "host": HOST,
                    "http": {
                        "paths": [
                            {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": WEB, "port": {"name": "http"}}}}
                        ]
                    },
                }
            ],
        },
    }


def web_resources(ingress_annotations: dict[str, str]) -> list[dict[str, Any]]:
    return [
        *workload(WEB, COMPONENT, config(), pod_spec([container()], terminationGracePeriodSeconds=30)),
        network_policy(),
        migration_job(),
        ingress(ingress_annotations),
    ]
