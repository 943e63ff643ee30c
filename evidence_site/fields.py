"""The field reference for contributors, generated from the study JSON Schema (one source of truth)."""

from __future__ import annotations

from . import schemas

_TYPE_WORDS = {"string": "text", "integer": "whole number", "number": "number", "array": "list",
               "object": "mapping", "null": "null", "boolean": "true/false"}


def study_fields(codebook: dict | None = None) -> list[dict]:
    """Every property of a study file, depth first: path, type, required, description, allowed values.

    Category fields (marked x-codebook in the schema) take their allowed values from the review's codebook."""
    codebook = codebook or {}
    return [{
        "path": field.path,
        "type": " or ".join(_TYPE_WORDS.get(t, t) for t in field.types),
        "required": field.required,
        "description": field.declared.get("description") or field.node.get("description", ""),
        "allowed": [c["key"] for c in codebook.get(field.codebook, [])] if field.codebook else [],
    } for field in schemas.fields("study")]
