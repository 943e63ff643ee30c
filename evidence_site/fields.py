"""The field reference for contributors, generated from the study JSON Schema (one source of truth)."""

from __future__ import annotations

from .validate import _target, validator

# Category fields take their allowed values from the review's codebook, not from the schema.
CODEBOOK_FIELDS = {
    "intervention.type": "intervention_types",
    "outcomes[].domain": "outcomes",
    "outcomes[].effect": "effects",
    "overall_effect": "effects",
    "quality.global": "quality_ratings",
}
_TYPE_WORDS = {"string": "text", "integer": "whole number", "number": "number", "array": "list",
               "object": "mapping", "null": "null", "boolean": "true/false"}


def study_fields(codebook: dict | None = None) -> list[dict]:
    """Every property of a study file, depth first: path, type, required, description, allowed values."""
    root = validator("study").schema
    rows: list[dict] = []
    _walk(root, root, "", True, rows, codebook or {})
    return rows


def _walk(node: dict, root: dict, prefix: str, required: bool, rows: list, codebook: dict) -> None:
    node = _target(root, node)
    required_names = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        resolved = _target(root, prop)
        path = f"{prefix}{name}"
        types = resolved.get("type", [])
        types = [types] if isinstance(types, str) else types
        group = CODEBOOK_FIELDS.get(path)
        rows.append({
            "path": path,
            "type": " or ".join(_TYPE_WORDS.get(t, t) for t in types),
            "required": name in required_names,
            "description": prop.get("description") or resolved.get("description", ""),
            "allowed": [c["key"] for c in codebook.get(group, [])] if group else [],
        })
        items = _target(root, resolved.get("items", {})) if "array" in types else {}
        if "properties" in resolved:
            _walk(resolved, root, f"{path}.", True, rows, codebook)
        elif "properties" in items:
            _walk(items, root, f"{path}[].", True, rows, codebook)
