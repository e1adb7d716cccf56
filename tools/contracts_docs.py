"""Generates and checks the published contract documents.

python -m tools.contracts_docs generate   writes contracts/schemas/*.schema.json, contracts/asyncapi.yaml and
                                          the README's event table
python -m tools.contracts_docs check      fails when they are stale, or when a schema breaks the last release
"""

import json
import sys
from pathlib import Path

import yaml

from mentoring_contracts import CATALOG
from mentoring_contracts import __version__ as contracts_version
from mentoring_contracts.schemas import event_schema, schema_file_name
from mesh_runtime.registry import service_definitions
from tools import asyncapi, compat, event_table

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
SCHEMAS = CONTRACTS / "schemas"
ASYNCAPI = CONTRACTS / "asyncapi.yaml"
RELEASES = CONTRACTS / "releases"
README = CONTRACTS.parent / "README.md"


def rendered() -> dict[Path, str]:
    """Every generated file and its exact content."""
    files = {
        SCHEMAS / schema_file_name(model): json.dumps(event_schema(model), indent=2, sort_keys=True) + "\n" for model in CATALOG
    }
    services = service_definitions()
    files[ASYNCAPI] = yaml.safe_dump(asyncapi.build(services), sort_keys=False, width=120, allow_unicode=True)
    files[README] = event_table.with_table(README.read_text(), services)
    return files


def generate() -> list[Path]:
    SCHEMAS.mkdir(parents=True, exist_ok=True)
    files = rendered()
    for stale in set(SCHEMAS.glob("*.schema.json")) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text)
    return sorted(files)


def drift() -> list[str]:
    try:
        files = rendered()
    except event_table.MissingMarkers as missing:
        return [str(missing)]
    problems = [
        f"{path.relative_to(CONTRACTS.parent)} is stale or missing"
        for path, text in files.items()
        if not path.exists() or path.read_text() != text
    ]
    problems += [
        f"{path.relative_to(CONTRACTS.parent)} describes no event in the catalogue"
        for path in set(SCHEMAS.glob("*.schema.json")) - set(files)
    ]
    return problems


def last_release() -> Path:
    releases = sorted((p for p in RELEASES.iterdir() if p.is_dir()), key=lambda p: tuple(map(int, p.name.split("."))))
    return releases[-1]


def incompatibilities() -> list[str]:
    current = {schema_file_name(model): event_schema(model) for model in CATALOG}
    return compat.compare_releases(compat.load_schemas(last_release()), current)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "generate":
        for path in generate():
            print(f"wrote {path.relative_to(CONTRACTS.parent)}")
        return 0
    if command == "check":
        problems = drift()
        if problems:
            print("contract documents are out of date; run `make contracts` and commit:", *problems, sep="\n  ")
        breaking = incompatibilities()
        if breaking:
            print(
                f"breaking changes against release {last_release().name} (contracts {contracts_version}):", *breaking, sep="\n  "
            )
        if not problems and not breaking:
            print(
                f"contracts: {len(list(CATALOG))} event schemas and asyncapi.yaml up to date; "
                f"compatible with release {last_release().name}"
            )
        return 1 if problems or breaking else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
