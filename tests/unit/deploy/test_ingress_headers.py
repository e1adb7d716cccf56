"""L8: HSTS is set where TLS ends, at the Ingress, through ingress-nginx's ``custom-headers``
annotation; the ConfigMap it names must exist in the base and in the namespace of every overlay."""

import re
from pathlib import Path

import yaml

from tools.kubernetes import RESPONSE_HEADERS, ingress, response_headers

ROOT = Path(__file__).resolve().parents[3]
ANNOTATION = "nginx.ingress.kubernetes.io/custom-headers"


def test_l8_the_ingress_adds_hsts_of_at_least_a_year_to_every_answer() -> None:
    assert ingress()["metadata"]["annotations"][ANNOTATION].endswith(f"/{RESPONSE_HEADERS}")
    hsts = response_headers()["data"]["Strict-Transport-Security"]
    assert int(re.fullmatch(r"max-age=(\d+)(; includeSubDomains)?", hsts).group(1)) >= 365 * 24 * 3600
    base = list(yaml.safe_load_all((ROOT / "deploy/kubernetes/base/ingress.yaml").read_text()))
    assert response_headers() in base and ingress() in base


def test_l8_every_overlay_names_the_hsts_config_map_in_its_own_namespace() -> None:
    """ingress-nginx reads the ConfigMap as <namespace>/<name>, and only from the Ingress's own namespace."""
    for overlay in ("dev", "prod"):
        kustomization = yaml.safe_load((ROOT / f"deploy/kubernetes/overlays/{overlay}/kustomization.yaml").read_text())
        named = ingress()["metadata"]["annotations"][ANNOTATION]
        for patch in kustomization.get("patches", []):
            if patch["target"].get("kind") == "Ingress":
                for operation in yaml.safe_load(patch["patch"]):
                    if operation["path"] == "/metadata/annotations/" + ANNOTATION.replace("/", "~1"):
                        named = operation["value"]
        assert named == f"{kustomization['namespace']}/{RESPONSE_HEADERS}", overlay
