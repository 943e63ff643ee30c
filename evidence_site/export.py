"""Downloadable data generated from the study files: CSV, JSON, a Frictionless data package, and
the citations of the review and of every transcribed study (BibTeX, RIS, CSL-JSON)."""

from __future__ import annotations

import csv
import io
import json

from . import __version__
from .cache import Reused
from .citation import bibtex, review_citations, ris, study_csl, study_nouns

# (column, description, Table Schema type, how to read it from a study)
COLUMNS = [
    ("id", "Study identifier: first author and year", "string", lambda s: s["id"]),
    ("first_author", "First author's surname", "string", lambda s: s["citation"]["authors"][0].split()[-1]),
    ("year", "Year of publication", "integer", lambda s: s["citation"]["year"]),
    ("title", "Title of the article", "string", lambda s: s["citation"]["title"]),
    ("journal", "Journal", "string", lambda s: s["citation"]["journal"]),
    ("doi", "DOI of the article", "string", lambda s: s["citation"]["doi"]),
    ("country", "Countries, separated by semicolons", "string", lambda s: _join(s["country"])),
    ("design", "Study design", "string", lambda s: s["design"]),
    ("sample_size", "Number of participants reported", "integer", lambda s: s["sample"]["size"]),
    ("population", "Who took part", "string", lambda s: s["sample"]["population"]),
    ("mean_age", "Mean age in years", "number", lambda s: s["sample"]["mean_age"]),
    ("percent_female", "Share of women, per cent", "number", lambda s: s["sample"]["percent_female"]),
    ("intervention_type", "Intervention type (codebook key)", "string", lambda s: s["intervention"]["type"]),
    ("intervention", "What participants did", "string", lambda s: s["intervention"]["description"]),
    ("platforms", "Platforms, separated by semicolons", "string", lambda s: _join(s["intervention"]["platforms"])),
    ("duration", "Duration of the intervention", "string", lambda s: s["intervention"]["duration"]),
    ("comparator", "What the intervention was compared with", "string", lambda s: s["comparator"]),
    ("outcomes", "Outcome domain and the review's classification, as domain=effect, separated by semicolons",
     "string", lambda s: None if s["outcomes"] is None else ";".join(f"{o['domain']}={o['effect'] or ''}"
                                                                     for o in s["outcomes"])),
    ("overall_effect", "The review's overall classification (codebook key)", "string", lambda s: s["overall_effect"]),
    ("quality_global", "EPHPP global rating (codebook key)", "string", lambda s: s["quality"]["global"]),
    ("review_reference", "Number in the review's reference list", "integer", lambda s: s["review_reference"]),
    ("added", "Date the study file was added", "date", lambda s: s["added"]),
    ("updated", "Date the study file was last changed", "date", lambda s: s["updated"]),
]


def _join(values) -> str | None:
    return None if not values else ";".join(values)


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    text = str(value)
    # A text cell starting with = + - @ would run as a formula in a spreadsheet; a leading
    # apostrophe makes spreadsheets show it as text.
    if kind == "string" and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def studies_csv(studies: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, *_ in COLUMNS])
    for study in studies:
        writer.writerow([_cell(read(study), kind) for _, _, kind, read in COLUMNS])
    return out.getvalue()


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


_ITEMS = "\0items\0"  # where the items go in _json_items (no data holds a NUL: the loader refuses it)


def _json_items(data, items: list, kept: dict | None) -> str:
    """_json of data, whose one list of items (data itself, or one of its values) is written as
    [_ITEMS]: each item's text kept by its content while serving, so a save writes again only the
    items that changed. The text is what _json(data with the items) writes."""
    if kept is None or not items:
        return _json(_with_items(data, items))
    outer = _json(data)
    placeholder = json.dumps(_ITEMS, ensure_ascii=False)
    line = next(line for line in outer.splitlines() if line.strip() == placeholder)
    indent = line[: len(line) - len(line.lstrip())]
    reused = Reused(kept)
    def text(item) -> str:
        return json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)

    chunks = [reused.text(indent, json.dumps(item, sort_keys=True, ensure_ascii=False, default=str),
                          make=lambda item=item: text(item)) for item in items]
    reused.prune()
    return outer.replace(placeholder, f",\n{indent}".join(chunks), 1)


def _with_items(data, items: list):
    if data == [_ITEMS]:
        return items
    return {key: items if value == [_ITEMS] else value for key, value in data.items()}


def _terms(review: dict) -> dict:
    """licenses and contributors of the data package, when review.yml states the site's terms."""
    terms = review["site"].get("license")
    if not terms:
        return {}
    content = terms["content"]
    return {"licenses": [{"name": content["spdx"], "path": content["url"], "title": content["name"]}],
            "contributors": [{"title": terms["holder"], "role": "author"}]}


def datapackage(review: dict, studies: list[dict]) -> dict:
    c = review["citation"]
    return {
        "name": "included-studies",
        "title": f"Included studies of: {c['title']}",
        "description": f"Study-level data transcribed from the studies included in the review doi:{c['doi']}. "
                       f"{len(studies)} of {review['reported']['included_studies']} included studies are transcribed. "
                       "An empty cell is a value this site does not have, mostly not yet transcribed; studies.json "
                       "lists under each study's `missing` the values its source does not report or its sources "
                       "disagree on, and under `inferred` the values worked out rather than read.",
        "version": __version__,
        # The site's terms for its transcription of the data (review.yml site.license); the review
        # itself is the source, under its publisher's terms.
        **_terms(review),
        "sources": [{"title": c["title"], "path": f"https://doi.org/{c['doi']}"}],
        "resources": [
            {
                "name": "studies",
                "path": "studies.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": name, "type": kind, "description": text} for name, text, kind, _ in COLUMNS],
                    "primaryKey": ["id"],
                },
            },
            {"name": "studies-json", "path": "studies.json", "format": "json", "mediatype": "application/json",
             "description": "Every field of every study file, as transcribed."},
        ],
    }


def downloads(review: dict, studies: list[dict], kept: dict | None = None) -> dict[str, str]:
    """Every download as {path under the site root: text}; kept: while serving, each study's
    entry in the files listing every study as the last build wrote it (by its content)."""
    cited = review_citations(review, studies)
    study_items = [study_csl(s) for s in studies]

    def part(name: str) -> dict | None:
        return None if kept is None else kept.setdefault(name, {})

    return {
        "data/studies.csv": studies_csv(studies),
        "data/studies.json": _json_items({"review_doi": review["citation"]["doi"],
                                          "included_studies": review["reported"]["included_studies"],
                                          "transcribed_studies": len(studies), "studies": [_ITEMS]},
                                         studies, part("json")),
        "data/datapackage.json": _json(datapackage(review, studies)),
        "data/review.bib": cited["bibtex"],
        "data/review.ris": cited["ris"],
        "data/review.csl.json": _json([cited["csl"]]),
        "data/studies.bib": bibtex(study_items, study_nouns(review, studies), part("bib")),
        "data/studies.ris": ris(study_items),
        "data/studies.csl.json": _json_items([_ITEMS], study_items, part("csl")),
    }
