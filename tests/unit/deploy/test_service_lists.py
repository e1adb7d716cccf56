"""The services are listed once, by their entry points (mesh_runtime.registry). What cannot read Python
(the import-linter contracts, the Dockerfile, the overlays, compose, the web app that may not import the
platform's code) keeps its own list; these tests fail when one of them differs from the registry, and
each failure names the file to fix."""

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from mesh_runtime.identity.claims import SERVICE_CLIENTS
from mesh_runtime.registry import GROUP, registered, service_names

ROOT = Path(__file__).resolve().parents[3]
NAMES = service_names()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _missing(where: str, wanted: set[str], found: set[str]) -> str:
    return f"{where} lacks {sorted(wanted - found)}"


def test_every_service_folder_is_registered_and_each_entry_point_loads_its_own_service() -> None:
    folders = {path.parent.name for path in ROOT.glob("services/*/pyproject.toml")}
    assert set(NAMES) == folders, (
        f'each services/<name>/pyproject.toml declares [project.entry-points."{GROUP}"] <place>-<name> = '
        '"mesh_<name>.bootstrap:DEFINITION"; then run `make setup` (uv sync) to install it'
    )
    assert [service.place for service in registered()] == list(range(1, len(NAMES) + 1)), "places are 1, 2, 3, ..."
    for service in registered():
        assert service.definition().name == service.name, service.entry_point


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in _strings(item)]
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    return []


def _every_service_or_none(where: str, texts: list[str], pattern: str) -> None:
    """``pattern`` has one ``{}`` for the service's name: a list naming two services or more in that form
    (with any ``.suffix``) names every service in the same form; one naming a single service is about it."""
    form = re.compile(re.escape(pattern).replace(r"\{\}", "(" + "|".join(map(re.escape, NAMES)) + r")") + r"(\..+)?")
    named: dict[str, set[str]] = {}
    for match in filter(None, map(form.fullmatch, texts)):
        named.setdefault(match.group(2) or "", set()).add(match.group(1))
    for suffix in (suffix for suffix, services in named.items() if len(services) >= 2):
        wanted = {pattern.format(name) + suffix for name in NAMES}
        assert wanted <= set(texts), _missing(where, wanted, set(texts))


def test_the_import_linter_contracts_name_every_service_in_pyproject() -> None:
    linter = PYPROJECT["tool"]["importlinter"]
    _every_service_or_none("pyproject.toml [tool.importlinter] root_packages", linter["root_packages"], "mesh_{}")
    assert {f"mesh_{name}" for name in NAMES} <= set(linter["root_packages"])
    for contract in linter["contracts"]:
        for key, value in contract.items():
            _every_service_or_none(
                f"pyproject.toml import-linter contract {contract['name']!r} {key}", _strings(value), "mesh_{}"
            )
    independent = next(c for c in linter["contracts"] if c["type"] == "independence")
    assert set(independent["modules"]) == {f"mesh_{name}" for name in NAMES}, "pyproject.toml: services never import each other"


def test_the_workspace_tools_name_every_service_in_pyproject() -> None:
    first_party = PYPROJECT["tool"]["ruff"]["lint"]["isort"]["known-first-party"]
    _every_service_or_none("pyproject.toml [tool.ruff.lint.isort] known-first-party", first_party, "mesh_{}")
    assert {f"mesh_{name}" for name in NAMES} <= set(first_party)
    dependencies = set(PYPROJECT["project"]["dependencies"])
    assert {f"mesh-{name}" for name in NAMES} <= dependencies, _missing(
        "pyproject.toml [project] dependencies", {f"mesh-{n}" for n in NAMES}, dependencies
    )
    sources = set(PYPROJECT["tool"]["uv"]["sources"])
    assert {f"mesh-{name}" for name in NAMES} <= sources, _missing(
        "pyproject.toml [tool.uv.sources]", {f"mesh-{n}" for n in NAMES}, sources
    )
    mypy_path = PYPROJECT["tool"].get("mypy", {}).get("mypy_path", [])
    if mypy_path:
        assert {f"services/{name}/src" for name in NAMES} <= set(mypy_path), "pyproject.toml [tool.mypy] mypy_path"


def test_the_dockerfile_copies_and_names_every_service() -> None:
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    for name in NAMES:
        assert f"COPY services/{name}/pyproject.toml services/{name}/\n" in dockerfile, f"deploy/docker/Dockerfile: COPY {name}"
    hint = re.search(r"SERVICE=([a-z]+(?:\|[a-z]+)+)", dockerfile)
    assert hint and hint.group(1).split("|") == list(NAMES), "deploy/docker/Dockerfile: the SERVICE= hint"


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_overlays_pin_and_patch_every_service(overlay: str) -> None:
    """A patch that targets every service but one is taken as meant for every API."""
    where = f"deploy/kubernetes/overlays/{overlay}/kustomization.yaml"
    kustomization = yaml.safe_load((ROOT / where).read_text())
    images = {image["name"] for image in kustomization["images"]}
    assert {f"mentoring-mesh/{name}" for name in NAMES} <= images, f"{where}: images"
    for patch in kustomization["patches"]:
        target = patch["target"]
        if "name" not in target:
            continue
        suffix = "-config" if target["kind"] == "ConfigMap" else ""
        matched = {name for name in NAMES if re.fullmatch(target["name"], name + suffix)}
        if len(NAMES) >= 3 and len(matched) >= len(NAMES) - 1:
            assert matched == set(NAMES), f"{where}: the patch of {target} misses {sorted(set(NAMES) - matched)}"


def test_compose_builds_every_service_on_its_own_database() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose" / "compose.yaml").read_text())["services"]
    for name in NAMES:
        assert compose.get(name, {}).get("build", {}).get("args", {}).get("SERVICE") == name, (
            f"deploy/compose/compose.yaml: {name}"
        )
        assert f"MESH_WEB_{name.upper()}_URL" in compose["web"]["environment"], "deploy/compose/compose.yaml: web"
    init = (ROOT / "deploy" / "compose" / "postgres-init.sql").read_text()
    for name in NAMES:
        assert f"CREATE DATABASE mesh_{name} OWNER mesh_{name}_owner;" in init, f"deploy/compose/postgres-init.sql: {name}"
        assert f"GRANT CONNECT, TEMPORARY ON DATABASE mesh_{name} TO mesh_{name};" in init, "deploy/compose/postgres-init.sql"
        assert re.search(rf"REVOKE ALL ON DATABASE [^;]*\bmesh_{name}\b", init), "deploy/compose/postgres-init.sql: REVOKE"


def test_the_runtime_accepts_every_services_client() -> None:
    assert set(SERVICE_CLIENTS) == {f"mesh-{name}" for name in NAMES}, "runtime/src/mesh_runtime/identity/claims.py"


def test_the_web_app_knows_every_api() -> None:
    # mesh_web may not import the platform's code (import-linter): it keeps its own lists.
    from mesh_web.pages import leaving
    from mesh_web.pages.console import admin
    from mesh_web.settings import WebSettings

    assert leaving.SERVICES == NAMES, "clients/web/src/mesh_web/pages/leaving.py"
    assert admin.SERVICES == NAMES, "clients/web/src/mesh_web/pages/console/admin.py"
    assert {f"{name}_url" for name in NAMES} <= set(WebSettings.model_fields), "clients/web/src/mesh_web/settings.py"
