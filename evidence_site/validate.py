"""Check loaded documents against the JSON Schemas, the review's codebook and each other.

Every check returns Problems (file, line, column, field path, what is wrong and what is
expected); nothing here raises on bad data.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from functools import lru_cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator

from . import schemas
from .load import Document
from .problems import Problem, path_str

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
    schema = schemas.schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=schemas.registry())


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
    return text + (", or null if not known" if "null" in types else "")


@lru_cache(maxsize=None)
def fast_validator(name: str):
    """The same schema compiled to Python by fastjsonschema: about ten times faster than jsonschema,
    so valid files (nearly all of them) cost little; jsonschema then explains any invalid one."""
    return fastjsonschema.compile(schemas.schema(name))


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
    moved = set()  # where a mis-indented or misspelt field belongs: its absence there is the same mistake
    for error in validator(schema_name).iter_errors(doc.data):
        path = tuple(error.absolute_path)
        kind, schema, value = error.validator, error.schema, error.instance
        if "propertyNames" in error.absolute_schema_path and isinstance(value, str):
            path += (value,)  # a key of the wrong form: at the key, where a codebook check would name it too
        if kind == "required":
            for name in schema["required"]:
                if isinstance(value, dict) and name not in value:
                    problems.append(doc.problem(path + (name,), _missing(schema_name, schema["properties"][name]),
                                                "missing-field"))
            continue
        if kind == "additionalProperties" and "properties" in schema:
            allowed = schema["properties"]
            for name in value:
                if name not in allowed:
                    home = _home(doc, schema_name, name, path)
                    if home is not None:
                        moved.add(home + (name,))
                        problems.append(doc.problem(path + (name,), _misplaced(doc, name, path, home), "mis-indented"))
                        continue
                    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
                    if close and close[0] in schema.get("required", []) and close[0] not in value:
                        moved.add(path + (close[0],))  # a misspelt required field: not also "missing"
                    problems.append(doc.problem(
                        path + (name,),
                        f"unknown field{suggestion(name, allowed)}; allowed here: {', '.join(allowed)}",
                        "unknown-field",
                    ))
            continue
        description = schema.get("description") or schemas.description_at(schema_name, path)
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
            message = "is empty; write the value, or null if it is not known"
            code = "empty"
        elif kind == "maxLength":
            message = f"is {len(value)} characters long; at most {error.validator_value} are allowed"
            code = "too-long"
        elif kind == "minItems":
            nullable = "null" in ([schema.get("type")] if isinstance(schema.get("type"), str) else schema.get("type", []))
            message = "is an empty list; give at least one item" + (", or null if not known" if nullable else "")
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
    moved_paths = {path_str(path) for path in moved}
    problems = [p for p in problems if not (p.code == "missing-field" and p.path in moved_paths)]
    return list(dict.fromkeys(problems))  # each missing field once, however many `required` errors name it


def _missing(schema_name: str, prop: dict) -> str:
    """What to write for a missing field: null only where the schema allows null."""
    target = schemas.resolve(schema_name, prop)
    types = schemas.types(target)
    if "null" in types:
        return "required field is missing; add it (write null if the source does not report it)"
    message = "required field is missing; add it"
    if "array" in types and not target.get("minItems"):
        message += " (write [] if there are none)"
    description = prop.get("description") or target.get("description")
    return message + (f"; expected: {description}" if description else "")


@lru_cache(maxsize=None)  # a pure function of the package's schema file
def _homes(schema_name: str) -> dict[str, list[tuple]]:
    """Each field name -> the schema paths of the mappings that declare it ('[]' for a list's entries)."""
    homes: dict[str, list[tuple]] = {}

    def walk(node: dict, path: tuple, depth: int) -> None:
        node = schemas.resolve(schema_name, node)
        for name, prop in node.get("properties", {}).items():
            homes.setdefault(name, []).append(path)
            if depth < 6:
                walk(prop, path + (name,), depth + 1)
        if isinstance(node.get("items"), dict) and depth < 6:
            walk(node["items"], path + ("[]",), depth + 1)

    walk(schemas.schema(schema_name), (), 0)
    return homes


def _home(doc: Document, schema_name: str, name: str, path: tuple) -> tuple | None:
    """Where a field found in the wrong mapping belongs, if it is a field of another mapping in this
    file that lacks it: the nearest such mapping above the stray line, else the first after it."""
    line = doc.where(path + (name,))[0]
    places = []
    for home in _homes(schema_name).get(name, []):
        for concrete in _concrete(doc.data, home, ()):
            node = _at(doc.data, concrete)
            if concrete != path and isinstance(node, dict) and name not in node:
                places.append(concrete)
    if not places:
        return None
    above = [p for p in places if doc.where(p)[0] <= line]
    return max(above, key=lambda p: doc.where(p)[0]) if above else min(places, key=lambda p: doc.where(p)[0])


def _concrete(data, home: tuple, done: tuple) -> list[tuple]:
    """A schema path with '[]' expanded to the list indices present in data."""
    if not home:
        return [done]
    node = _at(data, done)
    if home[0] == "[]":
        return [p for i in range(len(node) if isinstance(node, list) else 0) for p in _concrete(data, home[1:], done + (i,))]
    return _concrete(data, home[1:], done + (home[0],)) if isinstance(node, dict) and home[0] in node else []


def _at(data, path: tuple):
    for part in path:
        data = data[part]
    return data


def _misplaced(doc: Document, name: str, path: tuple, home: tuple) -> str:
    here = "at the top level" if not path else f"under {path_str(path)}"
    if not home:
        return f"looks mis-indented: {name} is a top-level field, not one {here}; remove its indentation"
    return (f"looks mis-indented: {name} belongs under {path_str(home)} (line {doc.where(home)[0]}), not {here}; "
            f"indent it like the other fields of {path_str(home)}")


def _keys(categories: list) -> list[str]:
    return [item["key"] for item in categories]


def codebook_problems(doc: Document, codebook: dict) -> list[Problem]:
    """Category values in a study file that are not in the review's codebook."""
    problems = []
    # The category fields are the ones the schema marks with x-codebook (evidence_site/schemas.py).
    for path, value, group in schemas.codebook_values("study", doc.data):
        allowed = _keys(codebook[group])
        what = schemas.CODEBOOK_ITEM[group]
        if value is not None and isinstance(value, str) and value not in allowed:
            problems.append(doc.problem(
                path,
                f"'{value}' is not a known {what}{suggestion(value, allowed)}; "
                f"expected one of: {', '.join(allowed)} (codebook.{group} in review.yml)",
                "not-in-codebook",
            ))
    return problems


def identity_problems(docs: list[Document], names: set[str] | None = None) -> list[Problem]:
    """File name agrees with id; no two files share an id or a DOI. Every id or file name a message
    suggests has the valid form and is free (names: every file name in studies/)."""
    problems = []
    by_id: dict[str, list[Document]] = {}
    for doc in docs:
        if is_study_id(doc.data.get("id")):  # an id of the wrong form: the schema's message says so
            by_id.setdefault(doc.data["id"], []).append(doc)
    names = names if names is not None else {Path(doc.file).name for doc in docs}
    taken = set(by_id) | {name[:-4] for name in names if name.endswith(".yml")}
    seen_dois: dict[str, Document] = {}
    for doc in docs:
        study_id = doc.data.get("id")
        stem = Path(doc.file).name.rsplit(".", 1)[0]
        if is_study_id(study_id) and not doc.file.endswith(".yml"):  # not a study file (a sheet's row): no name
            first = by_id[study_id][0]
            if first is not doc:
                problems.append(doc.problem(("id",), f"id '{study_id}' is already used by {first.file}:"
                                            f"{first.where(('id',))[0]}", "duplicate-id"))
        elif is_study_id(study_id) and study_id != stem:
            others = [d for d in by_id[study_id] if d is not doc]
            owner = next((d for d in others if Path(d.file).name == f"{study_id}.yml"), others[0] if others else None)
            fixes = [] if f"{study_id}.yml" in names else [f"rename the file to {study_id}.yml"]
            if is_study_id(stem) and stem not in by_id:
                fixes.append(f"set id: {stem}")
            if not fixes:
                free = free_id(study_id, taken)
                fixes = [f"give it its own id (for example {free}) and name the file {free}.yml"] if free else []
            shared = f", and {owner.file}:{owner.where(('id',))[0]} already has it" if owner else ""
            problems.append(doc.problem(
                ("id",), f"id '{study_id}' does not match the file name{shared}"
                + (f"; {' or '.join(fixes)}" if fixes else ""), "duplicate-id" if owner else "id-mismatch"))
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


def is_study_id(value) -> bool:
    """Whether value has the form of a study id (the schema's pattern)."""
    return isinstance(value, str) and len(value) <= 80 and re.search(
        schemas.node_at("study", ("id",))["pattern"], value) is not None


def free_id(study_id: str, taken: set[str]) -> str | None:
    """The id with the first free letter after its year: smith-2021 -> smith-2021b (then c, d, ...)."""
    base = study_id[:-1] if study_id[-1].isalpha() else study_id
    return next((base + letter for letter in "bcdefghijklmnopqrstuvwxyz" if base + letter not in taken), None)


def field_list_problems(doc: Document, absent: frozenset = frozenset()) -> list[Problem]:
    """Each entry of `inferred` and of `missing` must name a field that exists in the file; an entry
    of `missing` must name a null field, once (absent: top-level fields already reported as missing,
    not to be reported twice)."""
    problems = []
    for key, example in (("inferred", "country or outcomes[0].effect"), ("missing", "sample.mean_age")):
        entries = doc.data.get(key)
        form = schemas.node_at("study", (key, 0, "field"))["pattern"]
        named: dict[str, int] = {}
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or not isinstance(entry.get("field"), str) \
                    or not re.search(form, entry["field"]):  # the schema reports a path of the wrong form
                continue
            field = entry["field"]
            if re.split(r"[.\[]", field)[0] in absent:  # reported as missing or mis-indented already
                continue
            found, value = _at_path(doc.data, field)
            if not found:
                problems.append(doc.problem((key, i, "field"), f"names '{field}', which is not a field of this "
                                            f"file; use a path such as {example}", "unknown-path"))
            elif key == "missing" and value is not None:
                problems.append(doc.problem((key, i, "field"), f"names '{field}', which has a value here; list "
                                            "only fields that are null", "not-null"))
            elif key == "missing" and field in named:
                problems.append(doc.problem((key, i, "field"), f"names '{field}' again; it is already listed as "
                                            f"missing[{named[field]}]; keep one", "duplicate-entry"))
            named.setdefault(field, i)
    return problems


def _at_path(data, dotted: str) -> tuple[bool, object]:
    """(whether data has the dotted path, the value there)."""
    node = data
    for part in dotted.split("."):
        name, _, index = part.partition("[")
        if not isinstance(node, dict) or name not in node:
            return False, None
        node = node[name]
        if index:
            i = int(index.rstrip("]"))
            if not isinstance(node, list) or i >= len(node):
                return False, None
            node = node[i]
    return True, node


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
    schema_max = schemas.node_at("study", ("citation", "year"))["maximum"]
    if type(year) is int and now.year < year <= schema_max:
        return [doc.problem(("citation", "year"), f"{describe(year)} is too large; the largest allowed is {now.year} "
                            f"(this year); expected: {schemas.description_at('study', ('citation', 'year'))}", "out-of-range")]
    return []


def validate_studies(docs: list[Document], codebook: dict | None, now: datetime.date | None = None,
                     review: dict | None = None, checked=()) -> list[Problem]:
    """All problems in all loaded study files (files that failed to load are skipped), one per mistake.

    Without a valid codebook (the review file has problems), categories are not checked; with the
    review, no study file may be dated before the review was published. Files named in checked
    passed the per-file checks before with this codebook (evidence_site/cache.py): on them only the
    checks that depend on the date, the review's dates or the other files run.
    """
    now = now or today()
    loaded = [doc for doc in docs if isinstance(doc.data, dict)]
    problems = []
    for doc in loaded:
        if doc.file in checked:
            problems += future_problems(doc, now) + date_problems(doc, "study", now) + study_date_problems(doc, review)
            continue
        found = codebook_problems(doc, codebook) if codebook else []
        named = {p.path for p in found}  # a value outside the codebook: its form is the same mistake
        found += [p for p in schema_problems(doc, "study") if p.path not in named]
        absent = frozenset(p.path.split(".")[-1] for p in found if p.code in ("missing-field", "mis-indented"))
        found += field_list_problems(doc, absent) + future_problems(doc, now) + date_problems(doc, "study", now)
        found += study_date_problems(doc, review)
        problems += found
    flagged = {(p.file, p.path) for p in problems}
    names = {Path(doc.file).name for doc in docs}
    return problems + [p for p in identity_problems(loaded, names) if (p.file, p.path) not in flagged]


DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # the schemas' pattern for a date field
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_problems(doc: Document, schema_name: str, now: datetime.date) -> list[Problem]:
    """Every date field (any value the schema gives the YYYY-MM-DD form): a real day, not in the future."""
    problems = []
    for path, value, node in _dates(schema_name, schemas.schema(schema_name), doc.data, ()):
        description = node.get("description") or schemas.description_at(schema_name, path)
        expected = f"; expected: {description}" if description else ""
        day = parse_date(value)
        if day is None:
            problems.append(doc.problem(path, f"{value} is not a day of the calendar{expected}", "bad-date"))
        elif day > now:
            problems.append(doc.problem(path, f"{value} is in the future (today is {now.isoformat()}){expected}",
                                        "future-date"))
    return problems


def parse_date(value) -> datetime.date | None:
    """A YYYY-MM-DD text as a date, or None if it has another form or names no real day."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _dates(name: str, node: dict, value, path: tuple):
    """(path, value, schema node) for each text in value whose schema node has the date form."""
    resolved = schemas.resolve(name, node)
    if isinstance(value, str) and resolved.get("pattern") == DATE and _DAY.fullmatch(value):  # else: the schema says
        yield path, value, node
    elif isinstance(value, dict):
        extra = resolved.get("additionalProperties")
        for key, item in value.items():
            child = resolved.get("properties", {}).get(key) or (extra if isinstance(extra, dict) else None)
            if child is not None:
                yield from _dates(name, child, item, path + (key,))
    elif isinstance(value, list) and isinstance(resolved.get("items"), dict):
        for i, item in enumerate(value):
            yield from _dates(name, resolved["items"], item, path + (i,))


def study_date_problems(doc: Document, review: dict | None) -> list[Problem]:
    """`updated` is not before `added`, and neither is before the review they transcribe was published."""
    added, updated = parse_date(doc.data.get("added")), parse_date(doc.data.get("updated"))
    published = parse_date(((review or {}).get("dates") or {}).get("published"))
    problems = []
    for name, day in (("added", added), ("updated", updated)):
        if name == "updated" and added and day and day < added:
            problems.append(doc.problem((name,), f"{day} is before added ({added}, line {doc.where(('added',))[0]}); "
                                        "expected the date of the last change, or null", "date-order"))
        elif published and day and day < published:
            problems.append(doc.problem((name,), f"{day} is before the review was published ({published}, "
                                        "review.yml dates.published); a study file is transcribed from the review, "
                                        "so it cannot be older", "date-order"))
    return problems


def validate_review(doc: Document) -> list[Problem]:
    """The review file against its schema, then its own arithmetic and codebook references."""
    problems = schema_problems(doc, "review")
    if problems:
        return problems
    problems = date_problems(doc, "review", today())
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
         _complete(reported["overall"].values()), "studies in the overall effect classes"),
        (("reported", "by_intervention_type"),
         sum(g["studies"] for g in reported["by_intervention_type"].values() if g),
         _complete(reported["by_intervention_type"].values()), "studies across intervention types"),
        (("reported", "quality"), sum(v for v in reported["quality"].values() if v is not None),
         _complete(reported["quality"].values()), "quality ratings"),
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


def _complete(values) -> bool:
    """Whether a reported section gives every count: an empty one gives none (the review did not report it)."""
    values = list(values)
    return bool(values) and all(v is not None for v in values)


def fill_optional(data: dict, schema_name: str) -> dict:
    """A copy of valid data with every optional property that is absent set to None."""
    return _fill(data, schemas.schema(schema_name), schema_name)


def _fill(value, schema: dict, name: str):
    schema = schemas.resolve(name, schema)
    if isinstance(value, dict) and "properties" in schema:
        out = {key: None for key in schema["properties"]}
        for key, item in value.items():
            out[key] = _fill(item, schema["properties"].get(key, {}), name)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_fill(item, schema["items"], name) for item in value]
    return value
