"""Extraction sheets: `template-sheet` writes a spreadsheet with a column per study field (from the
study schema), `import` turns a filled one into study files.

One row is one study. Outcomes, inferred values and the reasons values are missing take repeated
columns (outcome_1_domain, outcome_2_domain, ...); lists of names (authors, country, platforms,
sources) go in one cell,
separated by semicolons; an empty cell is null. Column names shared with the site's
/data/studies.csv download mean the same and are written the same way, so that file imports too.

Each row becomes the YAML text of a study file, which then goes through the same loader,
validator and consistency check as a hand-written file; problems are reported by sheet row and
column, and nothing is written unless every row is valid.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import schemas
from .aggregate import consistency_problems
from .build import load_studies
from .fields import study_fields
from .load import Document, _Loader, load_bytes, load_file
from .problems import Problem, path_str
from .scaffold import HEADER
from .validate import fill_optional, suggestion, validate_review, validate_studies

# Columns named as /data/studies.csv names them (evidence_site/export.py); the others are the
# field's path with dots as underscores (sample_size, intervention_type, quality_global).
SHORT = {"citation.authors": "authors", "citation.year": "year", "citation.year_note": "year_note",
         "citation.print_year": "print_year",
         "citation.title": "title", "citation.journal": "journal", "citation.volume": "volume",
         "citation.issue": "issue", "citation.pages": "pages", "citation.doi": "doi",
         "sample.population": "population", "sample.mean_age": "mean_age",
         "sample.percent_female": "percent_female", "intervention.description": "intervention",
         "intervention.platforms": "platforms", "intervention.duration": "duration"}
REPEATED = {"outcomes": "outcome", "inferred": "inferred", "missing": "missing"}  # list of records -> column prefix
MAPS = {"quality.components": ("quality", "quality_components")}  # keyed by codebook keys -> prefix, group
TEMPLATE_REPEATS = 5  # empty outcome, inferred and missing column groups in a fresh template
SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple  # where the value goes in a study: ("outcomes", 0, "domain")
    field: str  # the field as the field reference names it: outcomes[].domain
    schema: dict  # the value's own schema, references followed

    @property
    def types(self) -> list[str]:
        kind = self.schema.get("type", "string")
        return [kind] if isinstance(kind, str) else list(kind)

    @property
    def required(self) -> bool:
        """Must hold a value (in a filled group, for repeated columns): null is not allowed."""
        return "null" not in self.types and ("array" not in self.types or self.schema.get("minItems", 0) > 0)


def columns(codebook: dict, repeats: dict[str, int]) -> list[Column]:
    """The sheet's columns in schema order; repeats gives how many groups each list of records gets."""
    root = schemas.schema("study")
    out: list[Column] = []

    def walk(node: dict, path: tuple, dotted: str) -> None:
        for name, prop in schemas.resolve("study", node).get("properties", {}).items():
            leaf, field = schemas.resolve("study", prop), f"{dotted}{name}"
            if field in MAPS:
                prefix, group = MAPS[field]
                for item in codebook.get(group, []):
                    out.append(Column(f"{prefix}_{item['key'].replace('-', '_')}", path + (name, item["key"]), field,
                                      schemas.resolve("study", leaf.get("additionalProperties", {}))))
            elif "properties" in leaf:
                walk(leaf, path + (name,), f"{field}.")
            elif "properties" in schemas.resolve("study", leaf.get("items", {})):
                items = schemas.resolve("study", leaf["items"])
                for i in range(repeats.get(name, 1)):
                    for sub, sub_prop in items["properties"].items():
                        out.append(Column(f"{REPEATED[name]}_{i + 1}_{sub}", path + (name, i, sub),
                                          f"{field}[].{sub}", schemas.resolve("study", sub_prop)))
            else:
                out.append(Column(SHORT.get(field, field.replace(".", "_")), path + (name,), field, leaf))

    walk(root, (), "")
    return out


# ---- writing a sheet ---------------------------------------------------------------------

def template_rows(studies: list[dict], cols: list[Column]) -> list[list]:
    """One row of cell values per study (None for an empty cell)."""
    rows = []
    for study in studies:
        row = []
        for col in cols:
            value = _get(study, col.path)
            row.append(SEPARATOR.join(value) or None if isinstance(value, list) else value)
        rows.append(row)
    return rows


def _get(data, path: tuple):
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def guide(cols: list[Column], codebook: dict) -> tuple[list[list[str]], list[list[str]]]:
    """What each column holds, and the codebook keys: (column rows, codebook rows), each with a header."""
    described = {f["path"]: f for f in study_fields(codebook)}
    rows = [["column", "must be filled", "what to write"]]
    for col in cols:
        info = described.get(col.field, {})
        text = info.get("description", "")
        if col.field in MAPS:
            item = next(i for i in codebook[MAPS[col.field][1]] if i["key"] == col.path[-1])
            ratings = ", ".join(i["key"] for i in codebook.get(schemas.codebook_fields()["quality.global"], []))
            text = f"{item['label']} ({item['key']}): {text} Allowed: {ratings}."
        if info.get("allowed"):
            text += f" Allowed: {', '.join(info['allowed'])}."
        if "array" in col.types:
            text += " Several values: separate them with semicolons (;)."
        if col.path[0] in REPEATED:
            last = max(c.path[1] for c in cols if c.path[0] == col.path[0]) + 2
            text += f" Group {col.path[1] + 1} of {col.path[0]}: leave the whole group empty if there is no such " \
                    f"entry; add groups ({REPEATED[col.path[0]]}_{last}_{col.path[2]}, ...) if you need more."
        filled = ("no: made from the first author and year if left empty" if col.name == "id"
                  else "yes" + (" (in a filled group)" if col.path[0] in REPEATED else "") if col.required
                  else "no: leave empty if not known")
        rows.append([col.name, filled, text.strip()])
    book = [["codebook group", "key", "label", "definition"]]
    for group, items in codebook.items():
        book += [[group, item["key"], item["label"], item["definition"]] for item in items]
    return rows, book


def write_template(path: Path, cols: list[Column], rows: list[list], codebook: dict) -> list[Path]:
    """Write the sheet (and, for CSV, its companion guide). Returns the files written."""
    column_rows, book_rows = guide(cols, codebook)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Studies"
        sheet.append([c.name for c in cols])
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even when it starts with =, never a formula
        sheet.freeze_panes = "B2"
        for title, table in (("Columns", column_rows), ("Codebook", book_rows)):
            notes = book.create_sheet(title)
            for row in table:
                notes.append(row)
        book.save(path)
        return [path]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in cols])
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    readme = path.with_name(path.stem + ".README.md")
    lines = [f"# Columns of {path.name}", "",
             "One row per study. An empty cell is null: this site does not have the value (shown as not yet "
             "transcribed); where the source gives nothing, or sources disagree, say so in the missing columns. "
             "Never estimate. "
             "Several values in one cell (authors, countries, platforms, sources) are separated by semicolons. "
             "Save the sheet as CSV UTF-8, then run: python build_site.py import " + path.name, "",
             "| column | must be filled | what to write |", "| --- | --- | --- |"]
    lines += [f"| `{name}` | {required} | {text.replace('|', '/')} |" for name, required, text in column_rows[1:]]
    lines += ["", "## Codebook keys (from review.yml)", "", "| group | key | label | definition |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {g} | `{k}` | {label} | {d.replace('|', '/')} |" for g, k, label, d in book_rows[1:]]
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path, readme]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text  # shown as text by spreadsheets, not run as a formula (as export.py does)
    return text


# ---- reading a sheet ---------------------------------------------------------------------

class SheetError(Exception):
    """The sheet cannot be read at all (format, encoding)."""


def read_sheet(path: Path) -> list[list[str]]:
    """The sheet's rows as text cells (row 1 is the header)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:
            raise SheetError(f"cannot be read as an Excel workbook ({type(error).__name__}); save it as .xlsx "
                             "or as CSV UTF-8") from None
        sheet = book["Studies"] if "Studies" in book.sheetnames else book.worksheets[0]
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError("is not UTF-8 text; in your spreadsheet choose Save as > CSV UTF-8") from None
    except OSError as error:
        raise SheetError(f"cannot be read: {error.strerror}") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # some spreadsheets save CSV with ;
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(text: str, col: Column):
    """A cell's text as the value the study schema expects (wrong kinds stay text for the validator)."""
    text = text.strip()
    if text[:2] in ("'=", "'+", "'-", "'@"):
        text = text[1:]
    types = col.types
    if not text:
        if "null" in types:
            return None
        return [] if "array" in types else (None if {"integer", "number"} & set(types) else "")
    if "array" in types:
        return [part.strip() for part in text.split(SEPARATOR) if part.strip()] or None
    if {"integer", "number"} & set(types):
        if re.fullmatch(r"[+-]?[0-9]+(\.0+)?", text):
            return int(float(text)) if "." in text else int(text)
        if "number" in types and re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", text):
            return float(text)
    return text


@dataclass
class Row:
    number: int  # row in the spreadsheet (the header is row 1)
    data: dict
    where: dict  # data path -> (column number, column name)
    empty: set  # numbers of the columns whose cell is empty


class _RowDocument(Document):
    """A study read from one sheet row: problems name the row and the column, not a line of YAML."""

    def __init__(self, file: str, data, row: Row):
        super().__init__(file, data)
        self.row = row

    def _column(self, path: tuple) -> tuple[int, str]:
        path = tuple(path)
        while path and path not in self.row.where:
            path = path[:-1]
        return self.row.where.get(path, (0, path_str(path)))

    def where(self, path: tuple) -> tuple[int, int]:
        return self.row.number, self._column(path)[0]

    def problem(self, path: tuple, message: str, code: str) -> Problem:
        number, name = self._column(path)
        return Problem(self.file, self.row.number, number, name, message, code)


def _letter(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "-"


def shown(problem: Problem, sheet: str) -> str:
    """`sheet.csv:3:G: outcome_1_domain: ...`: the row and the spreadsheet's column letter."""
    text = str(problem)
    if problem.file != sheet:
        return text
    text = text.replace(f"{problem.file}:{problem.line}:{problem.column}:",
                        f"{problem.file}:{problem.line}:{_letter(problem.column)}:", 1)
    return re.sub(rf"(already (?:used|given) by ){re.escape(sheet)}:([0-9]+)", r"\1row \2", text)


def parse_rows(table: list[list[str]], codebook: dict, file: str) -> tuple[list[Row], list[Problem]]:
    """Header and rows -> one Row per non-empty row, or the header's problems."""
    header = [h.strip() for h in (table[0] if table else [])]
    repeats = {}
    for name in header:
        match = re.fullmatch(rf"({'|'.join(REPEATED.values())})_([1-9][0-9]{{0,2}})_[a-z_]+", name)
        if match:
            key = next(k for k, v in REPEATED.items() if v == match.group(1))
            repeats[key] = max(repeats.get(key, 0), int(match.group(2)))
    cols = {c.name: c for c in columns(codebook, repeats)}
    problems = []
    seen = {}
    for i, name in enumerate(header, 1):
        if not name:
            continue
        if name in seen:
            problems.append(Problem(file, 1, i, name, f"column also appears as column {_letter(seen[name])}; "
                                    "keep one", "duplicate-column"))
        seen[name] = i
        if name not in cols and name not in ("first_author", "outcomes"):
            problems.append(Problem(file, 1, i, name, f"is not a study field{suggestion(name, cols)}; expected "
                                    "the columns template-sheet writes (see its column guide)", "unknown-column"))
    fallbacks = {"citation.authors": "first_author"}
    for col in cols.values():
        required = col.required and col.path[0] not in REPEATED and col.name != "id"
        if required and col.name not in seen and not (col.field in fallbacks and fallbacks[col.field] in seen):
            problems.append(Problem(file, 1, 0, col.name, "column is missing; add it (every study needs a value "
                                    "here)", "missing-column"))
    if problems:
        return [], problems
    rows = []
    for number, cells in enumerate(table[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        rows.append(_row(number, {name: (i, cells[i - 1]) for name, i in seen.items()}, cols, codebook))
    return rows, []


def _row(number: int, cells: dict, cols: dict[str, Column], codebook: dict) -> Row:
    data: dict = {}
    where: dict = {}
    groups: dict[tuple, dict] = {}  # ("outcomes", 0) -> the record being filled, kept if any cell is filled
    for col in cols.values():
        i, text = cells.get(col.name, (0, ""))
        value = _cell(text, col)
        if col.path[0] in REPEATED:
            key = col.path[:2]
            group = groups.setdefault(key, {"filled": False, "values": {}, "where": {}})
            group["filled"] |= bool(text.strip())
            group["values"][col.path[2]] = value
            group["where"][col.path[2]] = (i, col.name)
            continue
        if col.field in MAPS and not text.strip():
            continue
        node = data
        for part in col.path[:-1]:
            node = node.setdefault(part, {})
        node[col.path[-1]] = value
        where[col.path] = (i, col.name)
        where.setdefault(col.path[:-1], (i, col.name))
    quality = data.get("quality", {})
    quality.setdefault("components", None)
    for name in REPEATED:
        records = []
        for (list_name, _), group in sorted(groups.items()):
            if list_name != name or not group["filled"]:
                continue
            index = len(records)
            records.append(group["values"])
            where.setdefault((name,), next(iter(group["where"].values())))
            for sub, place in group["where"].items():
                where[(name, index, sub)] = place
            where.setdefault((name, index), next(iter(group["where"].values())))
        if records or name == "inferred":
            data[name] = records
        elif name == "outcomes":  # no outcome given: not yet transcribed; no missing entry: none needed
            data[name] = None
    _fallbacks(data, cells, where, codebook)
    if not data.get("id") and data["citation"].get("authors") and isinstance(data["citation"].get("year"), int):
        from .importers import slug

        data["id"] = f"{slug(data['citation']['authors'][0].split()[-1])}-{data['citation']['year']}"
    order = list(schemas.schema("study")["properties"])
    data = {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}
    return Row(number, data, where, {i for i, text in cells.values() if not text.strip()})


def _fallbacks(data: dict, cells: dict, where: dict, codebook: dict) -> None:
    """Columns of /data/studies.csv that stand for fuller ones: first_author for authors, and
    outcomes (domain=effect;...) for the outcome groups. What they cannot give is recorded under
    inferred, never made up silently."""
    citation = data["citation"]
    if "first_author" in cells and "authors" not in cells and cells["first_author"][1].strip():
        i, text = cells["first_author"]
        citation["authors"] = [text.strip()]
        where[("citation", "authors")] = (i, "first_author")
        data["inferred"].append({"field": "citation.authors", "reason": "The sheet gave only the first author's "
                                 "surname; the other authors are not listed."})
    if "outcomes" in cells and data["outcomes"] is None and cells["outcomes"][1].strip():
        i, text = cells["outcomes"]
        labels = {o["key"]: o["label"] for o in codebook.get("outcomes", [])}
        data["outcomes"] = []
        for k, part in enumerate(p.strip() for p in text.split(SEPARATOR) if p.strip()):
            domain, _, effect = (s.strip() for s in part.partition("="))
            data["outcomes"].append({"domain": domain, "name": labels.get(domain, domain).lower(),
                                     "instrument": None, "effect": effect or None})
            for sub in ("domain", "name", "instrument", "effect"):
                where[("outcomes", k, sub)] = (i, "outcomes")
            data["inferred"].append({"field": f"outcomes[{k}].name", "reason": "The sheet gave only the outcome "
                                     "domain; the name is the domain's label in the codebook."})
        where[("outcomes",)] = (i, "outcomes")


# ---- YAML text ----------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):  # list items indented under their key
        return super().increase_indent(flow, False)


_RESOLVER = _Loader("")


def _represent_text(dumper, value: str):
    # Quote text that the loader's YAML 1.2 rules would read as something else (1e3 as a number).
    plain = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    style = '"' if plain != "tag:yaml.org,2002:str" or "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def yaml_text(data: dict) -> str:
    return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=300)


# ---- import -------------------------------------------------------------------------------

@dataclass
class Plan:
    write: list[tuple[str, Path, str, int]]  # (what, path, text, row): "new" or "updated"
    unchanged: list[tuple[Path, int]]
    problems: list[Problem]


def plan_import(root: Path, sheet: Path, display: str, update: bool) -> Plan:
    """Check every row as a study file beside the existing ones; say what would be written."""
    review_doc = load_file(root / "review.yml", "review.yml")
    problems = list(review_doc.problems) or validate_review(review_doc)
    if problems:
        return Plan([], [], problems)
    codebook = review_doc.data["codebook"]
    if not sheet.is_file():
        return Plan([], [], [Problem(display, 1, 0, "(file)", "does not exist; give the path of a filled sheet",
                                     "unreadable")])
    try:
        table = read_sheet(sheet)
    except SheetError as error:
        return Plan([], [], [Problem(display, 1, 0, "(file)", str(error), "unreadable")])
    rows, problems = parse_rows(table, codebook, display)
    if problems:
        return Plan([], [], problems)
    if not rows:
        return Plan([], [], [Problem(display, 2, 0, "(file)", "has no study rows; fill one row per study",
                                     "empty-sheet")])
    existing = {Path(doc.file).stem: doc for doc in load_studies(root)}
    docs, texts = [], {}
    for row in rows:
        text = yaml_text(row.data)
        loaded = load_bytes(text.encode("utf-8"), display)  # the real loader, on the text to be written
        doc = _RowDocument(display, loaded.data, row)
        by_name = {path_str(path): place for path, place in row.where.items()}
        for p in loaded.problems:
            number, name = by_name.get(p.path, (0, p.path))
            problems.append(Problem(display, row.number, number, name, p.message, p.code))
        docs.append(doc)
        texts[id(doc)] = text
    replaced = {d.data.get("id") for d in docs if isinstance(d.data, dict)}
    kept = [doc for sid, doc in existing.items() if sid not in replaced]
    for doc in kept:
        problems += doc.problems
    all_docs = kept + docs
    # Each row's file is named after its id, so a row cannot disagree with its file name.
    problems += [p for p in validate_studies(all_docs, codebook) if not (p.file == display and p.code == "id-mismatch")]
    write, unchanged = [], []
    for doc in docs:
        sid = doc.data.get("id") if isinstance(doc.data, dict) else None
        if not isinstance(sid, str) or sid not in existing:
            if isinstance(sid, str):
                write.append(("new", root / "studies" / f"{sid}.yml", texts[id(doc)], doc.row.number))
            continue
        old = existing[sid]
        same = isinstance(old.data, dict) and not old.problems and \
            fill_optional(old.data, "study") == fill_optional(doc.data, "study")
        if same:
            unchanged.append((root / "studies" / f"{sid}.yml", doc.row.number))
        elif not update:
            problems.append(doc.problem(("id",), f"studies/{sid}.yml already exists and differs from this row; "
                                        "run import with --update to replace it, or give the row a new id",
                                        "would-overwrite"))
        else:
            write.append(("updated", root / "studies" / f"{sid}.yml", texts[id(doc)], doc.row.number))
    problems = _empty_cells(problems, {row.number: row for row in rows}, display)
    if not problems:
        studies = sorted((fill_optional(d.data, "study") for d in all_docs), key=lambda s: s["id"])
        problems += consistency_problems(review_doc, studies)
    return Plan(write if not problems else [], unchanged, problems)


def _empty_cells(problems: list[Problem], rows: dict[int, Row], display: str) -> list[Problem]:
    """A required cell left empty gets one plain message, not the schema's two or three about an empty text."""
    out = {}
    described = {f["path"]: f["description"] for f in study_fields()}
    fields = {c.name: c.field for c in columns({}, {name: 999 for name in REPEATED})}
    for p in problems:
        row = rows.get(p.line) if p.file == display else None
        if row and p.column in row.empty:
            what = described.get(fields.get(p.path, ""), "")
            p = Problem(p.file, p.line, p.column, p.path, "is empty; this cell must be filled in"
                        + (f"; expected: {what}" if what else ""), "empty")
        out.setdefault((p.file, p.line, p.column, p.path, p.code), p)
    return list(out.values())


def main(args, root: Path) -> int:
    display = str(args.file)
    if args.command == "template-sheet":
        return _template(args, root, display)
    if args.file.suffix.lower() not in (".csv", ".xlsx"):
        print(f"Error: {display}: give a .csv or .xlsx sheet", file=sys.stderr)
        return 2
    plan = plan_import(root, args.file, display, args.update)
    if plan.problems:
        lines = [shown(p, display) for p in sorted(plan.problems, key=lambda p: (p.file != display, p))]
        files = {p.file for p in plan.problems}
        print("\n".join(lines), file=sys.stderr)
        print(f"Found {len(plan.problems)} problem{'s' if len(plan.problems) != 1 else ''} in "
              f"{len(files)} file{'s' if len(files) != 1 else ''}. Nothing was written.", file=sys.stderr)
        return 1
    for what, path, text, number in plan.write:
        tmp = path.with_name(f".{path.name}.import-{os.getpid()}")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        print(f"{'Wrote' if what == 'new' else 'Updated'} {path.relative_to(root)} from row {number}")
    for path, number in plan.unchanged:
        print(f"Unchanged: {path.relative_to(root)} (row {number} gives the same values)")
    print(f"{len(plan.write)} study file{'s' if len(plan.write) != 1 else ''} written. "
          "Next: python build_site.py build")
    return 0


def _template(args, root: Path, display: str) -> int:
    from .build import prepare

    if args.file.suffix.lower() not in (".csv", ".xlsx"):
        print(f"Error: {display}: give a file name ending in .csv or .xlsx", file=sys.stderr)
        return 2
    if args.file.exists():
        print(f"Error: {display} already exists; give a new file name", file=sys.stderr)
        return 2
    if args.with_studies:
        site = prepare(root)  # the study files must be valid to be copied into a sheet
        review, studies = site.review, site.studies
    else:
        review_doc = load_file(root / "review.yml", "review.yml")
        problems = list(review_doc.problems) or validate_review(review_doc)
        if problems:
            from .problems import InputError

            raise InputError(problems)
        review, studies = review_doc.data, []
    repeats = {name: max([TEMPLATE_REPEATS if not studies else 1]
                         + [len(s.get(name) or []) for s in studies]) for name in REPEATED}
    cols = columns(review["codebook"], repeats)
    written = write_template(args.file, cols, template_rows(studies, cols), review["codebook"])
    print(f"Wrote {' and '.join(str(p) for p in written)}: {len(cols)} columns, {len(studies)} rows. "
          f"Fill one row per study, then run: python build_site.py import {display}")
    return 0
