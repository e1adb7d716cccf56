"""Traces leave a process only where an OTLP endpoint is configured: off by default, in every deployment."""

import pytest

from mesh_local.config import LocalConfig
from mesh_runtime.registry import service_definitions
from mesh_runtime.tracing import exporting
from tools.kubernetes import resources

OTLP = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


@pytest.fixture
def no_otlp(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in OTLP:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_no_endpoint_no_export(no_otlp: pytest.MonkeyPatch) -> None:
    assert not exporting()


@pytest.mark.parametrize("variable", OTLP)
def test_either_standard_variable_turns_export_on(no_otlp: pytest.MonkeyPatch, variable: str) -> None:
    no_otlp.setenv(variable, "http://collector:4318")
    assert exporting()


def test_no_deployment_configures_an_endpoint_of_its_own() -> None:
    for definition in service_definitions():
        config = next(d for d in resources(definition) if d["kind"] == "ConfigMap")["data"]
        assert not set(config) & set(OTLP), definition.name
        assert not set(LocalConfig().service_env(definition.name)) & set(OTLP), definition.name
