"""mesh-web's deployment (tools/web_manifests.py, deploy/docker/Dockerfile.web, compose): every setting
it requires and only settings it reads, its secrets only by reference, its probes, a locked-down
non-root pod, its own Ingress host, and a NetworkPolicy that lets it reach the four APIs, its IdP, its
database and DNS and nothing else, while each API lets it in."""

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import SecretStr

from mesh_runtime.registry import service_definitions
from tools.kubernetes import BASE, RESPONSE_HEADERS, ingress, ingress_annotations, resources, response_headers
from tools.observability import service_monitor
from tools.web_manifests import HOST, WEB, web_resources

ROOT = Path(__file__).resolve().parents[3]
APIS = [service.name for service in service_definitions()]
UVICORN = {"FORWARDED_ALLOW_IPS"}  # uvicorn's own (--forwarded-allow-ips), read where the app starts it
SECRETS = {
    "MESH_WEB_OIDC_CLIENT_SECRET": ("web-oidc", "client-secret"),
    "MESH_WEB_SESSION_KEYS": ("web-session", "keys"),
    "MESH_WEB_DATABASE_URL": ("web-database", "url"),
}
MIGRATION_SECRETS = {"MESH_WEB_DATABASE_MIGRATION_URL": ("web-database", "migration-url")}
ASSETS = ("@uswds/uswds/dist", "htmx.org/dist")  # under node_modules: all the app serves of npm's packages


def settings_class() -> type:
    # Imported here: isort's first-party list (pyproject.toml) does not name mesh_web yet.
    from mesh_web.settings import WebSettings

    return WebSettings


def docs() -> list[dict[str, Any]]:
    return web_resources(ingress_annotations())


def one(kind: str) -> dict[str, Any]:
    [found] = [doc for doc in docs() if doc["kind"] == kind]
    return found


def pod(kind: str) -> dict[str, Any]:
    return one(kind)["spec"]["template"]["spec"]


def variables() -> set[str]:
    return {f"MESH_WEB_{name.upper()}" for name in settings_class().model_fields}


def required() -> set[str]:
    return {f"MESH_WEB_{name.upper()}" for name, field in settings_class().model_fields.items() if field.is_required()}


def secret_refs(container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {e["name"]: (e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"]) for e in container["env"]}


def settings_from(values: dict[str, str]) -> Any:
    return settings_class()(
        **{name.removeprefix("MESH_WEB_").lower(): value for name, value in values.items() if name in variables()}
    )


def test_kubernetes_gives_the_web_app_every_setting_it_requires_and_only_settings_it_reads() -> None:
    config = one("ConfigMap")["data"]
    for kind in ("Deployment", "Job"):
        given = set(config) | set(secret_refs(pod(kind)["containers"][0]))
        assert given - variables() - UVICORN == set(), kind
        assert required() <= given, kind
    assert "MESH_WEB_ASSETS_DIR" not in config  # the image says where it put them (Dockerfile.web)
    stand_ins = {name: "postgresql://u:p@h/db" for name in ("MESH_WEB_DATABASE_URL", "MESH_WEB_DATABASE_MIGRATION_URL")}
    stand_ins |= {"MESH_WEB_OIDC_CLIENT_SECRET": "x", "MESH_WEB_SESSION_KEYS": base64.b64encode(bytes(32)).decode()}
    settings = settings_from(config | stand_ins)  # the values themselves pass the app's own validation
    assert settings.origin == f"https://{HOST}"


def test_the_web_app_calls_the_four_apis_by_their_services_in_the_cluster() -> None:
    config = one("ConfigMap")["data"]
    for api in APIS:
        service = next(d for d in resources(next(s for s in service_definitions() if s.name == api)) if d["kind"] == "Service")
        port = service["spec"]["ports"][0]["port"]
        assert config[f"MESH_WEB_{api.upper()}_URL"] == f"http://{service['metadata']['name']}" + (
            "" if port == 80 else f":{port}"
        )


def test_the_web_apps_secrets_are_referenced_never_inlined() -> None:
    assert secret_refs(pod("Deployment")["containers"][0]) == SECRETS
    # Only the migration Job holds the owner's DSN: the pods run as a role that owns nothing.
    assert secret_refs(pod("Job")["containers"][0]) == SECRETS | MIGRATION_SECRETS
    secret_fields = {
        f"MESH_WEB_{name.upper()}"
        for name, field in settings_class().model_fields.items()
        if field.annotation in (SecretStr, SecretStr | None) or "database" in name
    }
    assert secret_fields == set(SECRETS) | set(MIGRATION_SECRETS)
    assert not secret_fields & set(one("ConfigMap")["data"])
    for kind in ("Deployment", "Job"):
        assert all("value" not in e and "secretKeyRef" in e["valueFrom"] for e in pod(kind)["containers"][0]["env"])
    assert not [d for d in docs() if d["kind"] == "Secret"]
    for overlay in ("dev", "prod"):  # no secret is committed: overlays generate none
        kustomization = yaml.safe_load((ROOT / f"deploy/kubernetes/overlays/{overlay}/kustomization.yaml").read_text())
        assert "secretGenerator" not in kustomization, overlay


def test_the_web_app_is_probed_and_drains_before_it_stops() -> None:
    container = pod("Deployment")["containers"][0]
    assert container["ports"] == [{"name": "http", "containerPort": int(one("ConfigMap")["data"]["MESH_WEB_HTTP_PORT"])}]
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        assert container[probe]["httpGet"] == {"path": path, "port": "http"}, probe
    assert container["lifecycle"]["preStop"]["sleep"]["seconds"] < pod("Deployment")["terminationGracePeriodSeconds"]
    assert pod("Job")["containers"][0]["args"] == ["migrate"]
    assert one("Deployment")["spec"]["replicas"] >= 2 and one("PodDisruptionBudget")["spec"]["minAvailable"] >= 1


def test_the_web_pods_run_non_root_read_only_and_without_privilege() -> None:
    for kind in ("Deployment", "Job"):
        spec = pod(kind)
        assert spec["automountServiceAccountToken"] is False and spec["serviceAccountName"] == WEB
        assert spec["securityContext"]["runAsNonRoot"] and spec["securityContext"]["runAsUser"] == 10001
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        context = spec["containers"][0]["securityContext"]
        assert context["readOnlyRootFilesystem"] and not context["allowPrivilegeEscalation"]
        assert context["capabilities"] == {"drop": ["ALL"]} and context["runAsNonRoot"]
        assert spec["containers"][0]["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]  # all it writes


def dockerfile_stages() -> list[list[str]]:
    text = (ROOT / "deploy/docker/Dockerfile.web").read_text()
    lines = [line.strip() for line in re.sub(r"\\\n\s*", " ", text).splitlines() if line.strip() and not line.startswith("#")]
    stages: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_builds_assets_with_node_and_runs_non_root_on_python_slim() -> None:
    preamble, *stages = dockerfile_stages()
    final = stages[-1]
    images = dict(re.fullmatch(r"ARG (\w+)=(\S+)", line).groups() for line in preamble)
    assert final[0] == "FROM ${PYTHON_IMAGE}" and re.fullmatch(r"python:3\.11-slim-\w+", images["PYTHON_IMAGE"])
    assert images["NODE_IMAGE"].startswith("node:")
    assert any(
        stage[0] == "FROM ${NODE_IMAGE} AS assets" and "RUN npm ci --ignore-scripts --no-audit --no-fund" in stage
        for stage in stages[:-1]
    )
    assert "USER 10001:10001" in final and final.index("USER 10001:10001") > max(
        i for i, line in enumerate(final) if line.startswith(("RUN", "COPY"))
    )
    assert final[-1] == 'ENTRYPOINT ["mesh-web"]'
    build = next(stage for stage in stages if stage[0].endswith(" AS build"))
    assert "RUN uv sync --frozen --no-dev --no-editable --package mesh-web" in build
    # From the node stage: only the two dist directories, where MESH_WEB_ASSETS_DIR says, laid out as under node_modules.
    env = next(line for line in final if line.startswith("ENV "))
    assets_dir = re.search(r"MESH_WEB_ASSETS_DIR=(\S+)", env).group(1)
    copied = [line.split()[2:] for line in final if line.startswith("COPY --from=assets")]
    assert copied == [[f"/src/node_modules/{package}", f"{assets_dir}/{package}"] for package in ASSETS]
    assert re.search(r"MESH_WEB_HTTP_PORT=8000\b", env) and "EXPOSE 8000" in final


def test_the_web_apps_network_policy_lets_it_reach_the_four_apis_its_idp_its_database_and_dns_only() -> None:
    policy = one("NetworkPolicy")
    assert policy["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": WEB}}  # its pods and its Job's
    assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    assert policy["spec"]["ingress"] == [
        {
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}],
            "ports": [{"protocol": "TCP", "port": 8000}],
        }
    ]
    reached = []
    for rule in policy["spec"]["egress"]:
        [target] = rule["to"]
        ports = sorted((p["protocol"], p["port"]) for p in rule["ports"])
        if "ipBlock" in target:
            reached.append(("outside", ports))
        elif "namespaceSelector" in target:
            assert target == {"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
            reached.append(("dns", ports))
        else:
            assert set(target) == {"podSelector"}  # this namespace only
            labels = target["podSelector"]["matchLabels"]
            assert labels["app.kubernetes.io/component"] == "api"
            reached.append((labels["app.kubernetes.io/name"], ports))
    assert sorted(reached) == sorted(
        [
            ("dns", [("TCP", 53), ("UDP", 53)]),
            ("outside", [("TCP", 5432)]),
            ("outside", [("TCP", 443)]),
            *((api, [("TCP", 8000)]) for api in APIS),
        ]
    )
    # PostgreSQL and the IdP exactly as the services reach them (the overlays narrow both the same way)
    service_egress = next(d for d in resources(service_definitions()[0]) if d["kind"] == "NetworkPolicy")["spec"]["egress"]
    for rule in policy["spec"]["egress"]:
        if "ipBlock" in rule["to"][0]:
            assert rule in service_egress


def test_every_api_lets_the_web_app_in() -> None:
    for definition in service_definitions():
        policy = next(d for d in resources(definition) if d["kind"] == "NetworkPolicy")
        [rule] = policy["spec"]["ingress"]
        assert {"podSelector": {"matchLabels": {"app.kubernetes.io/name": WEB}}} in rule["from"], definition.name
        assert {"protocol": "TCP", "port": 8000} in rule["ports"], definition.name


def test_the_web_app_has_its_own_ingress_host_with_hsts_and_its_own_csp() -> None:
    web = one("Ingress")
    assert web["metadata"]["name"] != ingress()["metadata"]["name"]
    assert [rule["host"] for rule in web["spec"]["rules"]] == [HOST] == web["spec"]["tls"][0]["hosts"]
    assert urlsplit(one("ConfigMap")["data"]["MESH_WEB_PUBLIC_URL"]).netloc == HOST
    assert {p["backend"]["service"]["name"] for rule in web["spec"]["rules"] for p in rule["http"]["paths"]} == {WEB}
    # The APIs' Ingress neither serves the web app's host nor routes to it: no door is shared.
    apis = ingress()["spec"]
    assert HOST not in {rule["host"] for rule in apis["rules"]} | set(apis["tls"][0]["hosts"])
    assert WEB not in {p["backend"]["service"]["name"] for rule in apis["rules"] for p in rule["http"]["paths"]}
    assert web["spec"]["tls"][0]["secretName"] != apis["tls"][0]["secretName"]
    # HSTS from the shared ConfigMap, which adds nothing else: the app's own CSP and headers stand.
    annotations = web["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/custom-headers"].endswith(f"/{RESPONSE_HEADERS}")
    assert set(response_headers()["data"]) == {"Strict-Transport-Security"}
    assert not [a for a in annotations if "snippet" in a or "more-set" in a]
    assert not any("content-security-policy" in value.lower() for value in annotations.values())


def test_the_generated_base_holds_the_web_app_and_monitoring_leaves_it_out() -> None:
    assert list(yaml.safe_load_all((BASE / f"{WEB}.yaml").read_text())) == docs()
    assert f"{WEB}.yaml" in yaml.safe_load((BASE / "kustomization.yaml").read_text())["resources"]
    selector = service_monitor()["spec"]["selector"]["matchLabels"]  # it serves no /metrics
    assert not selector.items() <= one("Service")["metadata"]["labels"].items()


def test_every_overlay_sets_the_web_apps_image_issuer_and_hsts_namespace() -> None:
    for overlay in ("dev", "prod"):
        kustomization = yaml.safe_load((ROOT / f"deploy/kubernetes/overlays/{overlay}/kustomization.yaml").read_text())
        assert f"mentoring-mesh/{WEB}" in {image["name"] for image in kustomization["images"]}, overlay
        values: dict[tuple[str, str], Any] = {}
        for patch in kustomization["patches"]:
            target = patch["target"]
            if target.get("kind") in ("ConfigMap", "Ingress") and re.fullmatch(
                target.get("name", ".*"), f"{WEB}-config" if target["kind"] == "ConfigMap" else WEB
            ):
                for operation in yaml.safe_load(patch["patch"]):
                    values[(target["kind"], operation["path"])] = operation["value"]
        assert values[("ConfigMap", "/data/MESH_WEB_OIDC_ISSUER")].startswith("https://"), overlay
        named = values.get(
            ("Ingress", "/metadata/annotations/nginx.ingress.kubernetes.io~1custom-headers"),
            one("Ingress")["metadata"]["annotations"]["nginx.ingress.kubernetes.io/custom-headers"],
        )
        assert named == f"{kustomization['namespace']}/{RESPONSE_HEADERS}", overlay


def test_compose_runs_the_web_app_with_its_own_database_and_the_demo_realms_client() -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    web = compose["services"][WEB]
    env = web["environment"]
    assert web["build"]["dockerfile"] == "deploy/docker/Dockerfile.web"
    assert web["read_only"] and web["cap_drop"] == ["ALL"]
    # MESH_WEB_OIDC_DISCOVERY_URL is asked of the app (deploy/README.md, "The web app"): tokens name
    # localhost:8080, which a container reaches only as keycloak:8080, as the services' discovery URL says.
    assert set(env) - variables() <= {"MESH_WEB_OIDC_DISCOVERY_URL"}
    assert required() <= set(env)
    assert env["MESH_WEB_OIDC_DISCOVERY_URL"] == compose["services"]["profile"]["environment"]["MESH_OIDC_DISCOVERY_URL"]
    assert env["MESH_WEB_OIDC_ISSUER"] == compose["services"]["profile"]["environment"]["MESH_OIDC_ISSUER"]
    assert settings_from(env).keys()  # an origin, keys of 32 bytes
    assert set(web["depends_on"]) == {*APIS, "postgres", "keycloak"}
    for api in APIS:
        assert env[f"MESH_WEB_{api.upper()}_URL"] == f"http://{api}:8000"
    public = urlsplit(env["MESH_WEB_PUBLIC_URL"])
    assert public.hostname == "localhost" and f"{public.port}:8000" in web["ports"]
    assert compose["services"]["keycloak"]["environment"]["MESH_WEB_PUBLIC_URL"] == env["MESH_WEB_PUBLIC_URL"]
    realm = json.loads((ROOT / "deploy/local/keycloak/realm.json").read_text())
    client = next(c for c in realm["clients"] if c["clientId"] == env["MESH_WEB_OIDC_CLIENT_ID"])
    assert client["secret"] == env["MESH_WEB_OIDC_CLIENT_SECRET"]


def test_compose_gives_the_web_app_an_owner_and_a_runtime_role_like_the_services() -> None:
    sql = (ROOT / "deploy/compose/postgres-init.sql").read_text()
    env = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())["services"][WEB]["environment"]
    for variable, role in (("MESH_WEB_DATABASE_URL", "mesh_web"), ("MESH_WEB_DATABASE_MIGRATION_URL", "mesh_web_owner")):
        dsn = urlsplit(env[variable])
        assert (dsn.username, dsn.path) == (role, "/mesh_web"), variable
        assert f"CREATE ROLE {role} LOGIN PASSWORD '{dsn.password}';" in sql
    assert "CREATE DATABASE mesh_web OWNER mesh_web_owner;" in sql
    assert re.search(r"REVOKE ALL ON DATABASE [^;]*\bmesh_web\b[^;]* FROM PUBLIC;", sql)
    assert "GRANT CONNECT, TEMPORARY ON DATABASE mesh_web TO mesh_web;" in sql
