"""Check loaded documents against the JSON Schemas, the review's codebook and each other.

Every check returns Problems (file, line, column, field path, what is wrong and what is
expected); nothing here raises on bad data.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
from functools import lru_cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator

from . import PACKAGE_DIR
from .load import Document
from .problems import Problem

SCHEMA_DIR = PACKAGE_DIR.parent / "schema"

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping of fields",
    "boolean": "true or false",
    "null": "null",
}


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """The compiled validator for schema/<name>.schema.json (compiled once per process)."""
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def describe(value) -> str:
    """A value as a reader would name it: 'text 'abc'', 'a number (12)', 'a list'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (true/false)"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping of fields"


def suggestion(word: str, choices) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _expected_types(types) -> str:
    types = [types] if isinstance(types, str) else list(types)
    words = [_TYPE_WORDS.get(t, t) for t in types if t != "null"]
    text = " or ".join(words)
    return text + (", or null if not reported" if "null" in types else "")


@lru_cache(maxsize=None)
def fast_validator(name: str):
    """The same schema compiled to Python by fastjsonschema: about ten times faster than jsonschema,
    so valid files (nearly all of them) cost little; jsonschema then explains any invalid one."""
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema)


def is_valid(data, schema_name: str) -> bool:
    try:
        fast_validator(schema_name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_problems(doc: Document, schema_name: str) -> list[Problem]:
    if is_valid(doc.data, schema_name):
        return []
    problems = []
    for error in validator(schema_name).iter_errors(doc.data):
        path = tuple(error.absolute_path)
        kind, schema, value = error.validator, error.schema, error.instance
        if kind == "required":
            for name in schema["required"]:
                if isinstance(value, dict) and name not in value:
                    problems.append(doc.problem(
                        path + (name,),
                        "required field is missing; add it (write null if the source does not report it)",
                        "missing-field",
                    ))
            continue
        if kind == "additionalProperties" and "properties" in schema:
            allowed = schema["properties"]
            for name in value:
                if name not in allowed:
                    problems.append(doc.problem(
                        path + (name,),
                        f"unknown field{suggestion(name, allowed)}; allowed here: {', '.join(allowed)}",
                        "unknown-field",
                    ))
            continue
        description = schema.get("description") or _description_at(schema_name, path)
        if kind == "type":
            message = f"expected {_expected_types(error.validator_value)}, got {describe(value)}"
            code = "wrong-type"
        elif kind == "pattern":
            message = f"{describe(value)} is not in the expected form"
            code = "bad-format"
        elif kind == "minimum":
            message = f"{describe(value)} is too small; the smallest allowed is {error.validator_value}"
            code = "out-of-range"
        elif kind == "maximum":
            message = f"{describe(value)} is too large; the largest allowed is {error.validator_value}"
            code = "out-of-range"
        elif kind == "minLength":
            message = "is empty; write the value, or null if it is not reported"
            code = "empty"
        elif kind == "maxLength":
            message = f"is {len(value)} characters long; at most {error.validator_value} are allowed"
            code = "too-long"
        elif kind == "minItems":
            nullable = "null" in ([schema.get("type")] if isinstance(schema.get("type"), str) else schema.get("type", []))
            message = "is an empty list; give at least one item" + (", or null if not reported" if nullable else "")
            code = "empty"
        elif kind in ("maxItems", "maxProperties"):
            message = f"has too many items; at most {error.validator_value} are allowed"
            code = "too-long"
        else:
            message = " ".join(error.message.split())[:200]
            code = "invalid"
        if description and code in ("bad-format", "wrong-type", "out-of-range"):
            message += f"; expected: {description}"
        problems.append(doc.problem(path, message, code))
    return list(dict.fromkeys(problems))  # each missing field once, however many `required` errors name it


def _description_at(schema_name: str, path: tuple) -> str | None:
    """The description of the schema property at a data path (follows $ref and items)."""
    schema = validator(schema_name).schema
    node = schema
    for part in path:
        node = _resolve(schema, node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            props = node.get("properties", {})
            node = props.get(part) or (node.get("additionalProperties") if isinstance(node.get("additionalProperties"), dict) else {})
    node = _resolve(schema, node)
    return node.get("description")


def _target(root: dict, node: dict) -> dict:
    """The schema node with every $ref followed (unlike _resolve, past a property's own description)."""
    while isinstance(node, dict) and "$ref" in node:
        node = root["$defs"][node["$ref"].split("/")[-1]]
    return node if isinstance(node, dict) else {}


def _resolve(root: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node and "description" not in node:
        node = root["$defs"][node["$ref"].split("/")[-1]]
    return node if isinstance(node, dict) else {}


def _keys(categories: list) -> list[str]:
    return [item["key"] for item in categories]


def codebook_problems(doc: Document, codebook: dict) -> list[Problem]:
    """Category values in a study file that are not in the review's codebook."""
    data = doc.data
    problems = []

    def check(path: tuple, value, group: str, what: str):
        allowed = _keys(codebook[group])
        if value is not None and isinstance(value, str) and value not in allowed:
            problems.append(doc.problem(
                path,
                f"'{value}' is not a known {what}{suggestion(value, allowed)}; "
                f"expected one of: {', '.join(allowed)} (codebook.{group} in review.yml)",
                "not-in-codebook",
            ))

    intervention = data.get("intervention")
    if isinstance(intervention, dict):
        check(("intervention", "type"), intervention.get("type"), "intervention_types", "intervention type")
    outcomes = data.get("outcomes")
    for i, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
        if isinstance(outcome, dict):
            check(("outcomes", i, "domain"), outcome.get("domain"), "outcomes", "outcome domain")
            check(("outcomes", i, "effect"), outcome.get("effect"), "effects", "effect class")
    check(("overall_effect",), data.get("overall_effect"), "effects", "effect class")
    quality = data.get("quality")
    if isinstance(quality, dict):
        check(("quality", "global"), quality.get("global"), "quality_ratings", "quality rating")
        components = quality.get("components")
        for name, rating in (components if isinstance(components, dict) else {}).items():
            check(("quality", "components", name), name, "quality_components", "quality component")
            check(("quality", "components", name), rating, "quality_ratings", "quality rating")
    return problems


def identity_problems(docs: list[Document]) -> list[Problem]:
    """File name agrees with id; no two files share an id or a DOI."""
    problems = []
    seen_ids: dict[str, Document] = {}
    seen_dois: dict[str, Document] = {}
    for doc in docs:
        study_id = doc.data.get("id")
        stem = Path(doc.file).name.rsplit(".", 1)[0]
        if isinstance(study_id, str) and study_id != stem:
            problems.append(doc.problem(
                ("id",), f"id '{study_id}' does not match the file name; rename the file to {study_id}.yml "
                f"or set id: {stem}", "id-mismatch"))
        if isinstance(study_id, str):
            if study_id in seen_ids:
                other = seen_ids[study_id]
                problems.append(doc.problem(
                    ("id",), f"id '{study_id}' is already used by {other.file}:{other.where(('id',))[0]}", "duplicate-id"))
            else:
                seen_ids[study_id] = doc
        citation = doc.data.get("citation")
        doi = citation.get("doi") if isinstance(citation, dict) else None
        if isinstance(doi, str):
            key = doi.lower()
            if key in seen_dois:
                other = seen_dois[key]
                problems.append(doc.problem(
                    ("citation", "doi"),
                    f"DOI {doi} is already given by {other.file}:{other.where(('citation', 'doi'))[0]}; "
                    "each study has one file", "duplicate-doi"))
            else:
                seen_dois[key] = doc
    return problems


def inferred_problems(doc: Document) -> list[Problem]:
    """Each entry of `inferred` must name a field that exists in the file."""
    problems = []
    entries = doc.data.get("inferred")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("field"), str):
            continue
        if not _has_path(doc.data, entry["field"]):
            problems.append(doc.problem(
                ("inferred", i, "field"),
                f"names '{entry['field']}', which is not a field of this file; use a path such as "
                "country or outcomes[0].effect", "unknown-path"))
    return problems


def _has_path(data, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        name, _, index = part.partition("[")
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
        if index:
            i = int(index.rstrip("]"))
            if not isinstance(node, list) or i >= len(node):
                return False
            node = node[i]
    return True


def today() -> datetime.date:
    """Today's date, or the date SOURCE_DATE_EPOCH gives (for reproducible builds and tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()


def future_problems(doc: Document, now: datetime.date) -> list[Problem]:
    """A publication year later than this year (the schema only bounds it loosely)."""
    citation = doc.data.get("citation")
    year = citation.get("year") if isinstance(citation, dict) else None
    schema_max = validator("study").schema["properties"]["citation"]["properties"]["year"]["maximum"]
    if type(year) is int and now.year < year <= schema_max:
        return [doc.problem(("citation", "year"), f"{describe(year)} is too large; the largest allowed is {now.year} "
                            f"(this year); expected: {_description_at('study', ('citation', 'year'))}", "out-of-range")]
    return []


def validate_studies(docs: list[Document], codebook: dict | None, now: datetime.date | None = None) -> list[Problem]:
    """All problems in all loaded study files (files that failed to load are skipped).

    Without a valid codebook (the review file has problems), categories are not checked.
    """
    now = now or today()
    loaded = [doc for doc in docs if isinstance(doc.data, dict)]
    problems = []
    for doc in loaded:
        problems += schema_problems(doc, "study") + inferred_problems(doc) + future_problems(doc, now)
        if codebook:
            problems += codebook_problems(doc, codebook)
    return problems + identity_problems(loaded)


def validate_review(doc: Document) -> list[Problem]:
    """The review file against its schema, then its own arithmetic and codebook references."""
    problems = schema_problems(doc, "review")
    if problems:
        return problems
    review, reported = doc.data, doc.data["reported"]
    total = reported["included_studies"]
    codebook = review["codebook"]
    for group, section in (("intervention_types", "by_intervention_type"), ("outcomes", "by_outcome"),
                           ("effects", "overall"), ("quality_ratings", "quality")):
        allowed = _keys(codebook[group])
        for key in reported[section]:
            if key not in allowed:
                problems.append(doc.problem(
                    ("reported", section, key),
                    f"'{key}' is not in codebook.{group}{suggestion(key, allowed)}; expected one of: {', '.join(allowed)}",
                    "not-in-codebook"))
    sums = [
        (("reported", "overall"), sum(v for v in reported["overall"].values() if v is not None),
         all(v is not None for v in reported["overall"].values()), "studies in the overall effect classes"),
        (("reported", "by_intervention_type"),
         sum(g["studies"] for g in reported["by_intervention_type"].values() if g),
         all(reported["by_intervention_type"].values()), "studies across intervention types"),
        (("reported", "quality"), sum(v for v in reported["quality"].values() if v is not None),
         all(v is not None for v in reported["quality"].values()), "quality ratings"),
    ]
    for path, count, complete, what in sums:
        if count > total or (complete and count != total):
            problems.append(doc.problem(
                path, f"the {what} add up to {count}, but reported.included_studies is {total}", "inconsistent-review"))
    effects = _keys(codebook["effects"])
    for section in ("by_intervention_type", "by_outcome"):
        for key, group in reported[section].items():
            for effect, count in (group or {}).items():
                if effect == "studies":
                    continue
                if effect not in effects:
                    problems.append(doc.problem(
                        ("reported", section, key, effect),
                        f"'{effect}' is not in codebook.effects{suggestion(effect, effects)}; expected studies or "
                        f"one of: {', '.join(effects)}", "not-in-codebook"))
                elif count is not None and count > group["studies"]:
                    problems.append(doc.problem(
                        ("reported", section, key, effect),
                        f"{count} {effect} is more than the {group['studies']} studies in the group",
                        "inconsistent-review"))
    if review["prisma"].get("included") != total:
        problems.append(doc.problem(("prisma", "included"),
                                    f"PRISMA included count {review['prisma'].get('included')} differs from "
                                    f"reported.included_studies ({total})", "inconsistent-review"))
    return problems


def fill_optional(data: dict, schema_name: str) -> dict:
    """A copy of valid data with every optional property that is absent set to None."""
    root = validator(schema_name).schema
    return _fill(data, root, root)


def _fill(value, schema: dict, root: dict):
    schema = _resolve(root, schema)
    if isinstance(value, dict) and "properties" in schema:
        out = {name: None for name in schema["properties"]}
        for name, item in value.items():
            out[name] = _fill(item, schema["properties"].get(name, {}), root)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_fill(item, schema["items"], root) for item in value]
    return value
