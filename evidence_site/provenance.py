"""Which values of a study file this site worked out, and how the pages name them.

A study file lists each value it derived rather than read under `inferred`, by its path in the file
(country, outcomes[0].effect, citation.volume). The pages never print those paths: `field_label`
names the value in plain words ("Country", "Classification on depression"), and
`is_inferred` tells the figures which values to mark as this site's. Nothing here names a review's
categories: an outcome is named by its label in the review's codebook.
"""

from __future__ import annotations

import re

# Plain words for every field of a study file, keyed by its path in the schema (list items as [],
# as fields.study_fields() names them). An outcome's fields say which outcome: {outcome} is its
# label from the codebook. tests/test_provenance.py checks that every field of the schema is here.
FIELD_LABELS = {
    "id": "Study identifier",
    "review_reference": "Number in the review's reference list",
    "citation": "Citation",
    "citation.authors": "Authors",
    "citation.year": "Year",
    "citation.year_note": "Note on the year",
    "citation.print_year": "Year of the print issue",
    "citation.title": "Title",
    "citation.journal": "Journal",
    "citation.volume": "Volume",
    "citation.issue": "Issue",
    "citation.pages": "Pages",
    "citation.doi": "DOI",
    "country": "Country",
    "design": "Design",
    "sample": "Who took part",
    "sample.size": "Number of participants",
    "sample.size_note": "Note on the number of participants",
    "sample.population": "Population",
    "sample.mean_age": "Mean age",
    "sample.percent_female": "Share of women",
    "intervention": "What the participants did",
    "intervention.type": "Intervention type",
    "intervention.description": "Intervention",
    "intervention.platforms": "Platforms",
    "intervention.duration": "Duration",
    "comparator": "Compared with",
    "follow_up": "Follow-up",
    "outcomes": "List of outcomes",
    "outcomes[]": "The outcome {outcome}",
    "outcomes[].domain": "Outcome group of {outcome}",
    "outcomes[].name": "Name of the outcome {outcome}",
    "outcomes[].instrument": "Measure of {outcome}",
    "outcomes[].effect": "Classification on {outcome}",
    "outcomes[].effect_size": "Effect size for {outcome}",
    "outcomes[].note": "Note on {outcome}",
    "outcomes_note": "Note on the outcomes",
    "overall_effect": "Overall classification",
    "overall_effect_note": "What is known about the overall classification",
    "review_finding": "Main finding",
    "quality": "Quality",
    "quality.global": "Quality (global rating)",
    "quality.components": "Quality (parts of the rating)",
    "inferred": "Values worked out by this site",
    "inferred[]": "A value worked out by this site",
    "inferred[].field": "A value worked out by this site",
    "inferred[].reason": "How a value was worked out",
    "missing": "Why values are missing",
    "missing[]": "Why a value is missing",
    "missing[].field": "A missing value",
    "missing[].status": "Why a value is missing",
    "sources": "Sources",
    "sources[]": "Sources",
    "added": "Date added",
    "updated": "Date updated",
}

_PART = re.compile(r"([a-z_]+)(?:\[([0-9]+)\])?")


def _parts(field: str) -> list[tuple[str, int | None]]:
    """outcomes[1].instrument -> [("outcomes", 1), ("instrument", None)]"""
    out = []
    for part in field.split("."):
        match = _PART.fullmatch(part)
        if not match:
            return []
        out.append((match.group(1), int(match.group(2)) if match.group(2) is not None else None))
    return out


def _mid_sentence(label: str) -> str:
    """Mental well-being -> mental well-being; an acronym (FOMO, PANAS) keeps its capitals."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def outcome_name(study: dict, index: int, labels: dict) -> str:
    """An outcome of the study as a sentence names it: its codebook label, with its own name when
    another outcome of the study has the same label."""
    outcomes = study.get("outcomes")
    if not isinstance(outcomes, list) or not 0 <= index < len(outcomes):
        return f"outcome {index + 1}"
    outcome = outcomes[index]
    item = labels.get("outcomes", {}).get(outcome.get("domain"))
    name = _mid_sentence(item["label"]) if item else str(outcome.get("name") or f"outcome {index + 1}")
    shared = sum(o.get("domain") == outcome.get("domain") for o in outcomes) > 1
    return f"{name} ({outcome['name']})" if item and shared and outcome.get("name") else name


def field_label(field: str, study: dict, labels: dict) -> str:
    """The plain name of a field of the study (an `inferred` entry's path), as its page says it.
    A path the table does not know is named by its nearest known parent and the rest in words."""
    parts = _parts(field)
    if not parts:
        return field.replace("_", " ")
    names = [name for name, _ in parts]
    outcome = None
    if names[0] == "outcomes" and parts[0][1] is not None:  # one outcome: named by its label
        names[0] = "outcomes[]"
        outcome = outcome_name(study, parts[0][1], labels)
    for depth in range(len(names), 0, -1):
        known = FIELD_LABELS.get(".".join(names[:depth]))
        if known:
            rest = "".join(f", {name.replace('_', ' ')}" for name in names[depth:])
            return known.format(outcome=outcome or "an outcome") + rest
    return " ".join(names).replace("_", " ").capitalize()


def _ancestors(field: str) -> list[str]:
    """outcomes[0].effect -> outcomes[0], outcomes, outcomes[0].effect: the value and those it belongs to."""
    out, parts = [], field.split(".")
    for depth in range(1, len(parts) + 1):
        head = ".".join(parts[:depth])
        out += [head] + ([re.sub(r"\[[0-9]+\]$", "", head)] if head.endswith("]") else [])
    return out


def inferred_fields(study: dict) -> set[str]:
    """The paths the study file lists under `inferred`."""
    return {entry["field"] for entry in study.get("inferred") or [] if isinstance(entry, dict) and entry.get("field")}


def is_inferred(study: dict, field: str) -> bool:
    """Whether this site worked out the value at field (a path such as outcomes[0].effect): it, or a
    value it belongs to (the whole outcome, or the list of outcomes), is listed under `inferred`."""
    listed = inferred_fields(study)
    return any(path in listed for path in _ancestors(field))
