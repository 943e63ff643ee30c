"""References exported by reference managers (RIS, BibTeX, CSL-JSON) -> citation blocks of study files.

Zotero, EndNote and Mendeley all export these three formats. Each record becomes the citation
block `new` would otherwise leave empty: authors in display order (given names, then surname),
year, title, journal, volume, issue, pages and DOI. Parsing is left to rispy, bibtexparser and
pylatexenc; this module only maps their fields onto the study schema.
"""

from __future__ import annotations

import html
import json
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .load import load_file
from .scaffold import study_text

# One record of a reference file: where it is, how to name it in messages, what it gives.
@dataclass
class Record:
    where: str  # file:line, or file and record number when the format has no lines
    label: str  # the record's key or title, to name it in messages
    family: str | None = None  # first author's surname, for the study id
    citation: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_references(path: Path, display: str) -> list[Record]:
    """Every record of a RIS, BibTeX or CSL-JSON file. Raises ValueError if the file is none of them."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{display} is not UTF-8 text; export it again with UTF-8 encoding") from None
    except OSError as error:
        raise ValueError(f"{display} cannot be read: {error.strerror}") from None
    kind = _kind(path, text)
    if kind is None:
        raise ValueError(f"{display} is not a RIS, BibTeX or CSL-JSON file; export the references from your "
                         "reference manager as RIS (.ris), BibTeX (.bib) or CSL JSON (.json)")
    records = {"ris": _ris, "bibtex": _bibtex, "csl": _csl}[kind](text, display)
    if not records:
        raise ValueError(f"{display} holds no references")
    return records


def _kind(path: Path, text: str) -> str | None:
    suffix = path.name.lower()
    if suffix.endswith((".ris", ".txt")) and re.search(r"^TY  -", text, re.M):
        return "ris"
    if suffix.endswith(".bib"):
        return "bibtex"
    if suffix.endswith(".json"):
        return "csl"
    start = text.lstrip()[:1]  # no telling suffix: look at the content
    if start in ("[", "{"):
        return "csl"
    if re.search(r"^TY  -", text, re.M):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.M):
        return "bibtex"
    return None


# ---- the three formats --------------------------------------------------------------------

def _ris(text: str, display: str) -> list[Record]:
    import rispy

    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("TY  -")]
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as error:  # rispy raises plain IOError/ValueError with its own message
        raise ValueError(f"{display}: not readable as RIS ({' '.join(str(error).split())[:200]})") from None
    records = []
    for i, entry in enumerate(entries):
        where = f"{display}:{starts[i]}" if i < len(starts) else f"{display}: record {i + 1}"
        authors = [_comma_name(a) for a in entry.get("authors") or entry.get("first_authors") or []]
        pages = _pages(entry.get("start_page"), entry.get("end_page"))
        year = _year(entry.get("year") or entry.get("publication_year") or entry.get("date"))
        journal = _first(entry, "secondary_title", "journal_name", "alternate_title3", "alternate_title2",
                         "alternate_title1")
        title = _first(entry, "title", "primary_title")
        records.append(_record(where, entry.get("id") or title, authors, year, title, journal,
                               entry.get("volume"), entry.get("number"), pages, entry.get("doi")))
    return records


def _bibtex(text: str, display: str) -> list[Record]:
    import bibtexparser
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failed blocks are reported below instead
    library = bibtexparser.parse_string(text)
    records = []
    for block in library.failed_blocks:
        where = f"{display}:{block.start_line + 1}"
        record = Record(where, "unreadable entry")
        record.problems.append("is not valid BibTeX (a brace or quote is probably not closed); fix it or export again")
        records.append(record)
    for entry in library.entries:
        fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        names = []
        for raw in split_multiple_persons_names(fields.get("author", "")) if fields.get("author") else []:
            parts = parse_single_name_into_parts(raw, strict=False)
            given = _latex(" ".join(parts.first))
            family = _latex(" ".join(parts.von + parts.last))
            names.append((family, " ".join(p for p in (given, family, _latex(" ".join(parts.jr))) if p)))
        records.append(_record(
            f"{display}:{entry.start_line + 1}", f"{entry.key}: {_latex(fields.get('title')) or 'untitled'}", names,
            _year(fields.get("year") or fields.get("date")), _latex(fields.get("title")),
            _latex(fields.get("journal") or fields.get("journaltitle")), _latex(fields.get("volume")),
            _latex(fields.get("number") or fields.get("issue")), _pages(_latex(fields.get("pages"))),
            fields.get("doi")))
    return sorted(records, key=lambda r: int(r.where.rsplit(":", 1)[1]))


def _csl(text: str, display: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{display}:{error.lineno}:{error.colno}: not valid JSON ({error.msg})") from None
    items = data if isinstance(data, list) else [data]
    records = []
    for i, item in enumerate(items):
        where = f"{display}: record {i + 1}"
        if not isinstance(item, dict):
            record = Record(where, "not a record")
            record.problems.append("is not a CSL-JSON record (expected an object with title, author, issued)")
            records.append(record)
            continue
        names = []
        for person in item.get("author") or []:
            if not isinstance(person, dict):
                continue
            if person.get("literal"):
                names.append((_markup(person["literal"]), _markup(person["literal"])))
                continue
            family = " ".join(_markup(person.get(k)) for k in ("non-dropping-particle", "family") if person.get(k))
            shown = [_markup(person.get(k)) for k in ("given", "dropping-particle") if person.get(k)]
            names.append((family, " ".join(shown + [family] + ([_markup(person["suffix"])] if person.get("suffix")
                                                                else []))))
        issued = item.get("issued")
        year = None
        if isinstance(issued, dict):
            parts = issued.get("date-parts")
            year = _year(str(parts[0][0]) if parts and parts[0] else issued.get("raw") or issued.get("literal"))
        elif issued:
            year = _year(str(issued))
        container = item.get("container-title")
        container = container[0] if isinstance(container, list) and container else container
        records.append(_record(where, _markup(item.get("title")) or str(item.get("id") or "untitled"), names, year,
                               _markup(item.get("title")), _markup(container), _str(item.get("volume")),
                               _str(item.get("issue")), _pages(_str(item.get("page"))), _str(item.get("DOI"))))
    return records


# ---- fields -------------------------------------------------------------------------------

def _record(where, label, names, year, title, journal, volume, issue, pages, doi) -> Record:
    record = Record(where, _shorten(label or "untitled"))
    names = [(family, shown) for family, shown in names if shown]
    if not names:
        record.problems.append("has no author; add the authors in the reference manager and export again")
    if year is None:
        record.problems.append("has no year of publication; add it in the reference manager and export again")
    record.family = names[0][0] if names else None
    record.citation = {
        "authors": [shown for _, shown in names],
        "year": year,
        "title": _clean(title),
        "journal": _clean(journal),
        "volume": _clean(volume),
        "issue": _clean(issue),
        "pages": pages,
        "doi": normalise_doi(doi),
    }
    return record


def normalise_doi(value) -> str | None:
    """'https://doi.org/10.5555/ABC', 'doi:10.5555/abc' -> '10.5555/abc'. DOIs are case-insensitive, so
    lower case makes the same work give the same DOI whichever manager exported it."""
    if not value:
        return None
    text = str(value).strip()
    text = re.sub(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", "", text, flags=re.I)
    text = re.sub(r"%2F", "/", text, flags=re.I)
    return text.strip().lower() or None


def _comma_name(name: str) -> tuple[str, str]:
    """RIS 'Brown, Lorna' (or 'Brown, L., Jr') -> ('Brown', 'Lorna Brown'); a name without a comma stays."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 1 or not parts[1]:
        words = parts[0].split()
        return (words[-1] if words else "", parts[0])
    return parts[0], " ".join(p for p in (parts[1], parts[0], *parts[2:]) if p)


def _year(value) -> int | None:
    match = re.search(r"(?<![0-9])(1[89][0-9]{2}|2[01][0-9]{2})(?![0-9])", str(value or ""))
    return int(match.group(1)) if match else None


def _pages(start, end=None) -> str | None:
    start, end = _clean(start), _clean(end)
    if start and end and end != start:
        start = f"{start}-{end}"
    return re.sub(r"\s*(?:--|[\u2010-\u2015])\s*", "-", start) if start else None


def _first(entry: dict, *keys: str):
    return next((entry[k] for k in keys if entry.get(k)), None)


def _str(value) -> str | None:
    return None if value is None else str(value)


def _clean(value) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _latex(value: str | None) -> str | None:
    """BibTeX text -> plain text: {\\"o} -> ö, {Braces} -> Braces, \\& -> &."""
    if not value:
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    return _clean(LatexNodes2Text(strict_latex_spaces=True).latex_to_text(value))


def _markup(value) -> str | None:
    """CSL-JSON rich text (<i>, <sup>, <span class="nocase">) -> plain text."""
    if not value:
        return None
    return _clean(html.unescape(re.sub(r"<[^>]{0,200}>", "", str(value))))


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 120 else text[:117] + "..."


# ---- study files --------------------------------------------------------------------------

def slug(family: str) -> str:
    """A surname as the start of a study id: ASCII, lower case, words joined by hyphens."""
    text = unicodedata.normalize("NFKD", family.translate(str.maketrans({
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th"})))
    text = "".join(c for c in text if not unicodedata.combining(c) and c not in "'\u2019").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    text = re.sub(r"^[0-9-]+", "", text)  # an id starts with a letter
    return text[:60].strip("-") or "study"


def _same_work(a: dict, b: dict) -> bool:
    if a.get("doi") and b.get("doi"):
        return a["doi"].lower() == b["doi"].lower()
    def title(c):
        return re.sub(r"[^a-z0-9]+", " ", str(c.get("title") or "").lower()).strip()
    return bool(title(a)) and title(a) == title(b)


@dataclass
class Outcome:
    written: list[tuple[str, Record]] = field(default_factory=list)  # (file, record)
    skipped: list[tuple[str, Record]] = field(default_factory=list)  # (existing file, record)
    failed: list[Record] = field(default_factory=list)


def write_studies(root: Path, records: list[Record], today: str) -> Outcome:
    """One new study file per usable record. Never overwrites: a record whose work already has a
    file (same DOI, or same title) is skipped; a different study with a taken id gets b, c, ..."""
    folder = root / "studies"
    existing: dict[str, dict] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        doc = load_file(path, f"studies/{path.name}")
        citation = doc.data.get("citation") if isinstance(doc.data, dict) else None
        existing[path.stem] = citation if isinstance(citation, dict) else {}
    outcome = Outcome()
    for record in records:
        if record.problems:
            outcome.failed.append(record)
            continue
        match = next((sid for sid, c in existing.items() if _same_work(c, record.citation)), None)
        if match:
            outcome.skipped.append((f"studies/{match}.yml", record))
            continue
        base = f"{slug(record.family)}-{record.citation['year']}"
        sid = next((base + s for s in [""] + list("bcdefghijklmnopqrstuvwxyz") if base + s not in existing), None)
        if sid is None:
            record.problems.append(f"ids {base} to {base}z are all taken; write this study with new and a new id")
            outcome.failed.append(record)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{sid}.yml"
        with open(path, "x", encoding="utf-8") as handle:  # "x": fails rather than overwrite
            handle.write(study_text(sid, record.citation["year"], today, record.citation))
        existing[sid] = record.citation
        outcome.written.append((f"studies/{sid}.yml", record))
    return outcome


def main(root: Path, references: Path, today: str) -> int:
    """`new --from FILE`: report what was written, skipped, and which records could not be used."""
    try:
        records = read_references(references, str(references))
    except ValueError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    outcome = write_studies(root, records, today)
    for file, record in outcome.written:
        print(f"Wrote {file} from {record.where} ('{record.label}')")
    for file, record in outcome.skipped:
        print(f"Skipped {record.where} ('{record.label}'): already in {file}, which is left as it is")
    for record in outcome.failed:
        for problem in record.problems:
            print(f"{record.where}: record '{record.label}' {problem}", file=sys.stderr)
    if outcome.written:
        print("Fill in the rest of each new file from the study, then run: python build_site.py check")
    return 1 if outcome.failed else 0
