"""Compatibility guard: compares each event's JSON Schema with the last release's.

Breaking for subscribers (see contracts/COMPATIBILITY.md): an event removed; a field removed or
renamed; a field's type changed; a new required field (or an optional one made required); an
enum narrowed. Additive changes pass: a new optional field, a new event, a widened enum.
"""

import json
from pathlib import Path
from typing import Any

Schema = dict[str, Any]


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every breaking difference from ``old`` to ``new`` (one event's schemas), as sentences."""
    found: list[str] = []
    _compare(old, new, old, new, old.get("title", "event"), found)
    return found


def compare_releases(baseline: dict[str, Schema], current: dict[str, Schema]) -> list[str]:
    """Schemas by file name; an event of the baseline must still exist, compatibly."""
    problems: list[str] = []
    for name, old in sorted(baseline.items()):
        new = current.get(name)
        if new is None:
            problems.append(f"{name}: event removed (publish a new version beside it instead)")
            continue
        problems.extend(f"{name}: {change}" for change in breaking_changes(old, new))
    return problems


def load_schemas(folder: Path) -> dict[str, Schema]:
    return {path.name: json.loads(path.read_text()) for path in sorted(folder.glob("*.schema.json"))}


def _resolve(node: Schema, root: Schema) -> Schema:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = root.get("$defs", {})[name]
    return node


def _variants(node: Schema, root: Schema) -> list[Schema]:
    node = _resolve(node, root)
    if "anyOf" in node:
        return [v for member in node["anyOf"] for v in _variants(member, root)]
    return [node]


def _kind(node: Schema) -> str:
    if "const" in node:
        return f"const:{node['const']}"
    kind = node.get("type", "any")
    return f"{kind}:{node['format']}" if "format" in node else str(kind)


def _compare(old: Schema, new: Schema, old_root: Schema, new_root: Schema, where: str, found: list[str]) -> None:
    old_variants, new_variants = _variants(old, old_root), _variants(new, new_root)
    old_kinds = {_kind(v) for v in old_variants if "enum" not in v}
    new_kinds = {_kind(v) for v in new_variants if "enum" not in v}
    if old_kinds != new_kinds and (old_kinds or new_kinds):
        found.append(f"{where}: type changed from {sorted(old_kinds)} to {sorted(new_kinds)}")
        return
    old_enum = {value for v in old_variants for value in v.get("enum", [])}
    new_enum = {value for v in new_variants for value in v.get("enum", [])}
    if old_enum and not old_enum <= new_enum:
        found.append(f"{where}: enum narrowed, {sorted(old_enum - new_enum)} no longer allowed")
    old_objects = [v for v in old_variants if v.get("type") == "object"]
    new_objects = [v for v in new_variants if v.get("type") == "object"]
    if old_objects and new_objects:
        _compare_objects(old_objects[0], new_objects[0], old_root, new_root, where, found)
    old_items = [v["items"] for v in old_variants if v.get("type") == "array" and "items" in v]
    new_items = [v["items"] for v in new_variants if v.get("type") == "array" and "items" in v]
    if old_items and new_items:
        _compare(old_items[0], new_items[0], old_root, new_root, f"{where}[]", found)


def _compare_objects(old: Schema, new: Schema, old_root: Schema, new_root: Schema, where: str, found: list[str]) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for field in sorted(old_props.keys() - new_props.keys()):
        found.append(f"{where}.{field}: field removed or renamed")
    for field in sorted(new_required - old_required):
        state = "made required" if field in old_props else "new required field"
        found.append(f"{where}.{field}: {state}")
    for field in sorted(old_props.keys() & new_props.keys()):
        _compare(old_props[field], new_props[field], old_root, new_root, f"{where}.{field}", found)
