"""template-sheet and import: extraction sheets in, study files out, checked like hand-written files.
The sheets under tests/fixtures/imports/ hold made-up studies only."""

import csv
import datetime
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from evidence_site.build import build, prepare
from evidence_site.cli import main
from evidence_site.export import COLUMNS
from evidence_site.fields import study_fields
from evidence_site.load import load_file
from evidence_site.validate import fill_optional

FIXTURES = Path(__file__).resolve().parent / "fixtures"
IMPORTS = FIXTURES / "imports"


@pytest.fixture
def madeup(tmp_path) -> Path:
    """An empty project for the made-up review (tests/fixtures/madeup-review/review.yml)."""
    root = copy_project(tmp_path / "madeup", studies=False)
    shutil.copy(FIXTURES / "madeup-review" / "review.yml", root / "review.yml")
    return root


@pytest.fixture
def empty(tmp_path) -> Path:
    return copy_project(tmp_path / "empty", studies=False)


def header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def study_data(root: Path) -> dict:
    return {p.stem: fill_optional(load_file(p, p.name).data, "study") for p in sorted((root / "studies").glob("*.yml"))}


def test_template_columns_come_from_the_schema_and_the_codebook(project, capsys, tmp_path):
    sheet = tmp_path / "extraction.csv"
    assert main(["--root", str(project), "template-sheet", str(sheet)]) == 0
    names = header(sheet)
    review = load_file(project / "review.yml", "review.yml").data
    # every column of the site's own /data/studies.csv, except the two that stand for fuller ones
    assert {name for name, *_ in COLUMNS} - {"first_author", "outcomes"} <= set(names)
    assert len(names) == len(set(names))
    subs = ["domain", "name", "instrument", "effect", "effect_size", "note"]
    assert [n for n in names if n.startswith("outcome_")] == [f"outcome_{i}_{s}" for i in range(1, 6) for s in subs]
    assert [n for n in names if n.startswith("inferred_")] == [f"inferred_{i}_{s}" for i in range(1, 6)
                                                              for s in ("field", "reason")]
    assert [n for n in names if n.startswith("missing_")] == [f"missing_{i}_{s}" for i in range(1, 6)
                                                             for s in ("field", "status")]
    for item in review["codebook"]["quality_components"]:
        assert f"quality_{item['key'].replace('-', '_')}" in names
    readme = (tmp_path / "extraction.README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"| `{name}` |" in readme
    for items in review["codebook"].values():
        for item in items:
            assert f"| `{item['key']}` |" in readme
    # every leaf field of the schema has a column (objects are spread over their fields' columns)
    leaves = {f["path"] for f in study_fields() if f["type"] not in ("mapping",)}
    assert leaves - {"citation", "sample", "intervention", "quality"} <= _fields_of(names, review) | {
        "outcomes", "inferred", "missing"}


def _fields_of(names, review):
    from evidence_site.sheet import columns

    cols = columns(review["codebook"], {"outcomes": 5, "inferred": 5, "missing": 5})
    assert [c.name for c in cols] == names
    return {c.field for c in cols}


def test_template_xlsx_has_the_same_columns_and_a_guide_sheet(project, capsys, tmp_path):
    from openpyxl import load_workbook

    assert main(["--root", str(project), "template-sheet", str(tmp_path / "x.csv")]) == 0
    assert main(["--root", str(project), "template-sheet", str(tmp_path / "x.xlsx")]) == 0
    book = load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["Studies", "Columns", "Codebook"]
    assert [c.value for c in book["Studies"][1]] == header(tmp_path / "x.csv")
    guide = [[c.value for c in row] for row in book["Columns"].iter_rows()]
    assert guide[0] == ["column", "must be filled", "what to write"]
    assert [row[0] for row in guide[1:]] == header(tmp_path / "x.csv")
    assert all(row[2] for row in guide[1:])
    review = load_file(project / "review.yml", "review.yml").data
    keys = [(row[0].value, row[1].value) for row in book["Codebook"].iter_rows(min_row=2)]
    assert keys == [(group, item["key"]) for group, items in review["codebook"].items() for item in items]


def test_template_never_overwrites(project, capsys, tmp_path):
    sheet = tmp_path / "x.csv"
    sheet.write_text("mine\n")
    assert main(["--root", str(project), "template-sheet", str(sheet)]) == 2
    assert sheet.read_text() == "mine\n"
    assert "already exists" in capsys.readouterr().err


def test_a_filled_sheet_imports_to_files_that_pass_check(madeup, capsys):
    assert main(["--root", str(madeup), "import", str(IMPORTS / "filled.csv")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Wrote studies/epsilon-2021.yml from row 2", "Wrote studies/eta-2022.yml from row 3",
        "2 study files written. Next: python build_site.py build"]
    assert main(["--root", str(madeup), "check"]) == 0
    assert capsys.readouterr().out.startswith("OK: review.yml and 2 study files are valid")
    data = study_data(madeup)
    epsilon, eta = data["epsilon-2021"], data["eta-2022"]  # eta's empty id: first author's surname and year
    assert epsilon["citation"]["authors"] == ["Test Epsilon", "Zoë Test-Zeta"]
    assert epsilon["citation"]["title"] == "A made-up trial called Epsilon: 1e3 participants, not real"
    assert (epsilon["sample"]["size"], epsilon["sample"]["mean_age"], epsilon["sample"]["percent_female"]) == \
        (120, 21.5, 60)
    assert epsilon["intervention"]["platforms"] == ["Facebook", "Instagram"]
    assert [(o["domain"], o["effect"], o["effect_size"]) for o in epsilon["outcomes"]] == [
        ("depression", "improved", "-0.40 (made up)"), ("anxiety", "no-effect", None)]
    assert epsilon["quality"] == {"global": "weak", "components": {"selection-bias": "weak", "study-design": "moderate"}}
    assert epsilon["inferred"] == [{"field": "sample.mean_age",
                                    "reason": "Made up: worked out from the made-up age groups."}]
    assert epsilon["added"] == "2026-01-15" and epsilon["updated"] is None
    assert eta["country"] is None and eta["sources"] == [] and eta["quality"]["components"] is None


def test_an_xlsx_filled_in_a_spreadsheet_gives_the_same_files(madeup, tmp_path, capsys):
    from openpyxl import load_workbook

    sheet = tmp_path / "extraction.xlsx"
    assert main(["--root", str(madeup), "template-sheet", str(sheet)]) == 0
    book = load_workbook(sheet)
    studies = book["Studies"]
    names = [c.value for c in studies[1]]
    with open(IMPORTS / "filled.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            values = [row.get(name) or None for name in names]
            # as a spreadsheet stores them: numbers as numbers, dates as dates
            for i, name in enumerate(names):
                if name in ("year", "sample_size", "review_reference") and values[i]:
                    values[i] = int(values[i])
                elif name == "mean_age" and values[i]:
                    values[i] = float(values[i])
                elif name == "added" and values[i]:
                    values[i] = datetime.datetime.fromisoformat(values[i])
            studies.append(values)
    book.save(sheet)
    assert main(["--root", str(madeup), "import", str(sheet)]) == 0
    from_xlsx = {p.name: p.read_text(encoding="utf-8") for p in (madeup / "studies").glob("*.yml")}
    for p in (madeup / "studies").glob("*.yml"):
        p.unlink()
    assert main(["--root", str(madeup), "import", str(IMPORTS / "filled.csv")]) == 0
    assert from_xlsx == {p.name: p.read_text(encoding="utf-8") for p in (madeup / "studies").glob("*.yml")}


def test_a_sheet_with_mistakes_lists_every_problem_by_row_and_column_and_writes_nothing(madeup, capsys):
    sheet = IMPORTS / "mistakes.csv"
    assert main(["--root", str(madeup), "import", str(sheet)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{sheet}:2:C: year: expected a whole number, got text '20x1'; expected: Year of publication as the review "
        "lists it. [wrong-type]",
        f"{sheet}:2:J: intervention_type: 'therapy-basd' is not a known intervention type (did you mean "
        "'therapy-based'?); expected one of: therapy-based, limiting-use, abstinence (codebook.intervention_types "
        "in review.yml) [not-in-codebook]",
        f"{sheet}:3:D: title: is empty; this cell must be filled in; expected: Title of the article as printed. [empty]",
        f"{sheet}:3:F: doi: text 'https://doi.org/10.1/x' is not in the expected form; expected: The article's DOI "
        "without the https://doi.org/ prefix (for example 10.1089/cyber.2016.0259), or null if not found. [bad-format]",
        f"{sheet}:3:H: mean_age: expected a number, or null if not known, got text 'abc'; expected: Mean age in "
        "years, or null. [wrong-type]",
        f"{sheet}:3:I: percent_female: a number (150) is too large; the largest allowed is 100; expected: Share of "
        "participants who were women, 0 to 100, or null. [out-of-range]",
        f"{sheet}:3:M: outcome_1_name: is empty; this cell must be filled in; expected: The outcome as the study or "
        "review names it. [empty]",
        f"{sheet}:3:N: outcome_1_effect: 'improvd' is not a known effect class (did you mean 'improved'?); expected "
        "one of: improved, mixed, no-effect (codebook.effects in review.yml) [not-in-codebook]",
        f"{sheet}:4:A: id: id 'theta-2021' is already used by row 2 [duplicate-id]",
        f"{sheet}:4:Q: added: text 'yesterday' is not in the expected form; expected: Date the study file was "
        "added, as YYYY-MM-DD. [bad-format]",
        "Found 10 problems in 1 file. Nothing was written.",
    ]
    assert list((madeup / "studies").iterdir()) == []


def test_unknown_and_missing_columns_are_named_before_any_row(madeup, capsys, tmp_path):
    sheet = tmp_path / "bad.csv"
    text = (IMPORTS / "filled.csv").read_text(encoding="utf-8")
    sheet.write_text(text.replace("title,journal,", "titel,magazine,", 1), encoding="utf-8")
    assert main(["--root", str(madeup), "import", str(sheet)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{sheet}:1:-: journal: column is missing; add it (every study needs a value here) [missing-column]",
        f"{sheet}:1:-: title: column is missing; add it (every study needs a value here) [missing-column]",
        f"{sheet}:1:E: titel: is not a study field (did you mean 'title'?); expected the columns template-sheet "
        "writes (see its column guide) [unknown-column]",
        f"{sheet}:1:F: magazine: is not a study field; expected the columns template-sheet writes (see its "
        "column guide) [unknown-column]",
        "Found 4 problems in 1 file. Nothing was written.",
    ]
    assert list((madeup / "studies").iterdir()) == []


def test_rows_that_would_break_the_review_counts_are_refused(madeup, capsys, tmp_path):
    sheet = tmp_path / "three.csv"
    rows = (IMPORTS / "filled.csv").read_text(encoding="utf-8").splitlines()
    # a second therapy-based study classed improved: the made-up review reports only one
    rows.append(rows[1].replace("epsilon-2021", "zeta-2021").replace("10.5555/made-up.epsilon-2021", ""))
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["--root", str(madeup), "import", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("review.yml:") and "[contradicts-review]" in err and "Nothing was written." in err
    assert list((madeup / "studies").iterdir()) == []


def test_update_replaces_only_the_rows_that_changed(project, capsys, tmp_path):
    sheet = tmp_path / "studies.csv"
    assert main(["--root", str(project), "template-sheet", "--with-studies", str(sheet)]) == 0
    with open(sheet, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    first = table[1][0]
    table[1][table[0].index("duration")] = "A made-up changed duration"
    with open(sheet, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)
    before = {p.name: p.read_bytes() for p in (project / "studies").glob("*.yml")}
    capsys.readouterr()
    assert main(["--root", str(project), "import", str(sheet)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{sheet}:2:A: id: studies/{first}.yml already exists and differs from this row; run import with --update "
        "to replace it, or give the row a new id [would-overwrite]",
        "Found 1 problem in 1 file. Nothing was written."]
    assert {p.name: p.read_bytes() for p in (project / "studies").glob("*.yml")} == before
    assert main(["--root", str(project), "import", "--update", str(sheet)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Updated studies/{first}.yml from row 2"
    assert len([line for line in out if line.startswith("Unchanged: ")]) == len(before) - 1
    after = {p.name: p.read_bytes() for p in (project / "studies").glob("*.yml")}
    assert [name for name in before if after[name] != before[name]] == [f"{first}.yml"]
    assert study_data(project)[first]["intervention"]["duration"] == "A made-up changed duration"
    assert main(["--root", str(project), "check"]) == 0


def test_real_studies_round_trip_through_a_sheet_and_build_the_same_site(built_site, empty, tmp_path, capsys):
    sheet = tmp_path / "all.csv"
    assert main(["--root", str(ROOT), "template-sheet", "--with-studies", str(sheet)]) == 0
    assert main(["--root", str(empty), "import", str(sheet)]) == 0
    assert study_data(empty) == {s["id"]: s for s in prepare(ROOT).studies}
    site = build(empty, tmp_path / "site")
    pages = {str(p.relative_to(built_site)) for p in built_site.rglob("*.html")}
    assert pages == {str(p.relative_to(site)) for p in site.rglob("*.html")}
    study_pages = sorted(p for p in pages if p.startswith("studies/") and p.count("/") == 2)
    assert study_pages
    for page in study_pages:
        assert (site / page).read_bytes() == (built_site / page).read_bytes(), page


def test_real_studies_round_trip_through_xlsx(empty, tmp_path, capsys):
    sheet = tmp_path / "all.xlsx"
    assert main(["--root", str(ROOT), "template-sheet", "--with-studies", str(sheet)]) == 0
    assert main(["--root", str(empty), "import", str(sheet)]) == 0
    assert study_data(empty) == {s["id"]: s for s in prepare(ROOT).studies}


def test_the_sites_own_studies_csv_download_imports_and_passes_check(built_site, empty, capsys):
    assert main(["--root", str(empty), "import", str(built_site / "data" / "studies.csv")]) == 0
    assert main(["--root", str(empty), "check"]) == 0
    real = {s["id"]: s for s in prepare(ROOT).studies}
    imported = study_data(empty)
    assert imported.keys() == real.keys()
    for sid, study in imported.items():  # what the download carries comes back unchanged
        for field in ("design", "sample", "comparator", "overall_effect", "added", "updated"):
            assert study[field] == {**real[sid], "sample": {**real[sid]["sample"], "size_note": None}}[field]
        assert study["intervention"]["type"] == real[sid]["intervention"]["type"]
        assert [(o["domain"], o["effect"]) for o in study["outcomes"] or []] == \
            [(o["domain"], o["effect"]) for o in real[sid]["outcomes"] or []]


def test_a_semicolon_csv_with_a_byte_order_mark_as_some_spreadsheets_save_it(madeup, capsys, tmp_path):
    with open(IMPORTS / "filled.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("design")] = "made-up\x07design"  # a control character pasted into a cell
    rows[2][rows[0].index("intervention")] = "x" * 2001
    sheet = tmp_path / "european.csv"
    with open(sheet, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    assert main(["--root", str(madeup), "import", str(sheet)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{sheet}:2:L: design: contains the control character U+0007; text may not contain control characters, "
        "delete it [bad-character]",
        f"{sheet}:3:R: intervention: is 2001 characters long; at most 2000 are allowed [too-long]",
        "Found 2 problems in 1 file. Nothing was written."]
    assert list((madeup / "studies").iterdir()) == []
