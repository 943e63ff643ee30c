"""The JSON Schemas of the review and study files (evidence_site/schema/), and everything read
from them: `$ref` resolution (by `referencing`, as jsonschema itself resolves), the one walk over a
schema's fields, and the category fields, which the schema marks with `"x-codebook": "<group>"`
(the review's codebook group whose keys the field takes) or `"x-codebook-keys"` (for a mapping
whose keys are codebook keys). The validator, the field reference and the scaffold read them here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from . import PACKAGE_DIR

SCHEMA_DIR = PACKAGE_DIR / "schema"
NAMES = ("study", "review")

# What one key of each codebook group is called in messages.
CODEBOOK_ITEM = {"intervention_types": "intervention type", "outcomes": "outcome domain", "effects": "effect class",
                 "quality_ratings": "quality rating", "quality_components": "quality component"}


@lru_cache(maxsize=None)  # the package's own files: read once per process, never changed
def schema(name: str) -> dict:
    """The parsed schema/<name>.schema.json."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def registry() -> Registry:
    """Every schema of the package, by its $id, for jsonschema and for resolve()."""
    return Registry().with_resources(
        (schema(name)["$id"], Resource.from_contents(schema(name), default_specification=DRAFT202012)) for name in NAMES)


_RESOLVED: dict[tuple[str, int], tuple[dict, dict]] = {}  # (name, id of a $ref node): (that node, its target)


def resolve(name: str, node) -> dict:
    """The schema node with every $ref followed, or {} for anything that is not a schema object.

    Followed once per $ref node and process (a study's validation asks thousands of times); the
    entry keeps the node itself, so its id cannot be reused by another object."""
    if not isinstance(node, dict):
        return {}
    if "$ref" not in node:
        return node
    found = _RESOLVED.get((name, id(node)))
    if found is None:
        start, resolver = node, registry().resolver(base_uri=schema(name)["$id"])
        while isinstance(node, dict) and "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
        found = _RESOLVED[(name, id(start))] = (start, node if isinstance(node, dict) else {})
    return found[1]


def description(name: str, node) -> str | None:
    """A property's own description, else the description of what it refers to."""
    own = node.get("description") if isinstance(node, dict) else None
    return own or resolve(name, node).get("description")


def types(node: dict) -> list[str]:
    kinds = node.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def node_at(name: str, path: tuple) -> dict:
    """The schema node (as declared, $ref not followed) for a data path such as ('outcomes', 0, 'effect')."""
    node = schema(name)
    for part in path:
        node = resolve(name, node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            extra = node.get("additionalProperties")
            node = node.get("properties", {}).get(part) or (extra if isinstance(extra, dict) else {})
    return node


def description_at(name: str, path: tuple) -> str | None:
    """The description of the schema property at a data path."""
    return description(name, node_at(name, path))


@dataclass(frozen=True)
class Field:
    """One property of a schema, found by walking it depth first."""
    path: str  # intervention.type, outcomes[].effect
    name: str
    declared: dict  # as written, with its own description
    node: dict  # $ref followed
    required: bool
    depth: int
    codebook: str | None  # the codebook group whose keys the field takes
    schema_name: str = "study"

    @property
    def types(self) -> list[str]:
        return types(self.node)

    @property
    def item(self) -> dict:
        """For a list, the schema of one entry ($ref followed)."""
        return resolve(self.schema_name, self.node.get("items", {})) if "array" in self.types else {}


def fields(name: str, node: dict | None = None, prefix: str = "", depth: int = 0) -> list[Field]:
    """Every property of a schema (or of one of its objects), depth first; lists of records are
    entered through their items (path outcomes[].effect)."""
    node = resolve(name, schema(name) if node is None else node)
    required = set(node.get("required", []))
    found = []
    for prop_name, declared in node.get("properties", {}).items():
        resolved = resolve(name, declared)
        group = declared.get("x-codebook") or resolved.get("x-codebook")
        field = Field(f"{prefix}{prop_name}", prop_name, declared, resolved, prop_name in required, depth, group, name)
        found.append(field)
        if "properties" in resolved:
            found += fields(name, resolved, f"{field.path}.", depth + 1)
        elif "properties" in field.item:
            found += fields(name, field.item, f"{field.path}[].", depth + 1)
    return found


def codebook_fields(name: str = "study") -> dict[str, str]:
    """{field path: codebook group} for every field the schema marks with x-codebook."""
    return {field.path: field.codebook for field in fields(name) if field.codebook}


def codebook_values(name: str, data, node: dict | None = None, path: tuple = ()):
    """(data path, value, codebook group) for every category value in valid-shaped parts of data,
    in the order they appear, following the schema's x-codebook and x-codebook-keys marks."""
    node = resolve(name, schema(name) if node is None else node)
    if isinstance(data, dict):
        props = node.get("properties", {})
        for prop_name, declared in props.items():
            if prop_name not in data:
                continue
            resolved = resolve(name, declared)
            group = declared.get("x-codebook") or resolved.get("x-codebook")
            if group:
                yield path + (prop_name,), data[prop_name], group
            else:
                yield from codebook_values(name, data[prop_name], declared, path + (prop_name,))
        keys, extra = node.get("x-codebook-keys"), node.get("additionalProperties")
        if keys or isinstance(extra, dict) and "x-codebook" in resolve(name, extra) | extra:
            for key, value in data.items():
                if key in props:
                    continue
                if keys:
                    yield path + (key,), key, keys
                group = extra.get("x-codebook") or resolve(name, extra).get("x-codebook") if isinstance(extra, dict) else None
                if group:
                    yield path + (key,), value, group
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(data):
            yield from codebook_values(name, item, node["items"], path + (i,))
