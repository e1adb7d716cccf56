"""M10: the Ingress limits each client address as the services' own buckets do, so it is the
cluster-wide backstop of the per-replica limits and refuses nothing one replica would take."""

from pathlib import Path

import yaml

from mesh_runtime.registry import service_definitions
from mesh_runtime.settings import ServiceSettings
from tools.kubernetes import ingress, resources

ROOT = Path(__file__).resolve().parents[3]
PREFIX = "nginx.ingress.kubernetes.io/"


def _default(name: str) -> int:
    return ServiceSettings.model_fields[name].default


def test_m10_the_ingress_rate_limit_annotations_match_the_app_defaults() -> None:
    annotations = ingress()["metadata"]["annotations"]
    per_minute = max(_default("rate_limit_per_subject_per_minute"), _default("rate_limit_per_address_per_minute"))
    rps, multiplier = int(annotations[PREFIX + "limit-rps"]), int(annotations[PREFIX + "limit-burst-multiplier"])
    assert rps * 60 >= per_minute and (rps - 1) * 60 < per_minute  # the app's rate, rounded up to whole requests a second
    assert rps * multiplier == per_minute  # a burst of a minute's budget, as the app's bucket holds
    assert int(annotations[PREFIX + "limit-connections"]) >= 1


def test_m10_the_generated_ingress_carries_the_limits() -> None:
    generated = [
        d for d in yaml.safe_load_all((ROOT / "deploy/kubernetes/base/ingress.yaml").read_text()) if d["kind"] == "Ingress"
    ]
    assert generated == [ingress()]


def test_m10_every_service_takes_the_client_address_the_ingress_forwards() -> None:
    """Else every anonymous request would share the controller pod's address, and one bucket."""
    for service in service_definitions():
        config = next(d for d in resources(service) if d["kind"] == "ConfigMap")["data"]
        assert config["MESH_HTTP_FORWARDED_ALLOW_IPS"] == "*", service.name
