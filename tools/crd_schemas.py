"""Offline schemas for kubeconform.

  python -m tools.crd_schemas crds <folder of CRD yaml> <output folder>
  python -m tools.crd_schemas kubernetes <kubernetes-validate's vX.Y.Z-local-strict folder> <output folder> <manifest>...
CRDs become <output>/<group>/<kind>_<version>.json, closed unless the CRD keeps unknown fields.
"""

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def strict(node: Any) -> Any:
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for item in node:
            strict(item)
    return node


def convert(crd_folder: Path, out: Path) -> list[Path]:
    written = []
    for path in sorted(crd_folder.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"].lower()
            for version in crd["spec"]["versions"]:
                schema = strict(version["schema"]["openAPIV3Schema"])
                target = out / group / f"{kind}_{version['name']}.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema))
                written.append(target)
    return written


def standalone(local_schemas: Path, manifests: list[Path], out: Path) -> list[Path]:
    """kubernetes-validate ships schemas whose $refs point into a sibling _definitions.json, which
    kubeconform cannot follow; inline it for each kind the manifests use."""
    definitions = json.loads((local_schemas / "_definitions.json").read_text())["$defs"]
    written = []
    kinds = {(doc["apiVersion"], doc["kind"]) for path in manifests for doc in yaml.safe_load_all(path.read_text()) if doc}
    for api_version, kind in sorted(kinds):
        group, _, version = api_version.rpartition("/")
        suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
        source = local_schemas / f"{kind.lower()}{suffix}.json"
        if not source.exists():
            continue  # a custom resource: its schema comes from its CRD
        text = source.read_text().replace("/api/_definitions.json#/$defs/", "#/$defs/")
        schema = json.loads(text)
        schema.pop("$id", None)
        schema["$defs"] = definitions
        target = out / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(schema))
        written.append(target)
    return written


if __name__ == "__main__":
    if sys.argv[1] == "crds":
        print(f"{len(convert(Path(sys.argv[2]), Path(sys.argv[3])))} CRD schemas written")
    else:
        print(
            f"{len(standalone(Path(sys.argv[2]), [Path(p) for p in sys.argv[4:]], Path(sys.argv[3])))} Kubernetes schemas written"
        )
