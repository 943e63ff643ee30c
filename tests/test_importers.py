"""new --from: reference-manager exports (RIS, BibTeX, CSL-JSON) become study files with the citation
filled in. Every reference here is made up (tests/fixtures/imports/README.md)."""

from pathlib import Path

import pytest

from evidence_site.cli import main
from evidence_site.importers import normalise_doi, read_references, slug
from evidence_site.load import load_file
from conftest import next_free_id

IMPORTS = Path(__file__).resolve().parent / "fixtures" / "imports"
DAY = "1767225600"  # SOURCE_DATE_EPOCH of 2026-01-01, the date `added` gets

MADEUP_CITATION = {
    "authors": ["Zoë Ångström", "Pieter de Vries", "Chidi N. Okafor"],
    "year": 2021,
    "title": "A made-up trial of short breaks from social media: test data for the importer",
    "journal": "Journal of Made-Up Test Data",
    "volume": "12",
    "issue": "3",
    "pages": "101-109",
    "doi": "10.5555/madeup.2021.003",
}


def citations(name: str) -> list[dict]:
    return [r.citation for r in read_references(IMPORTS / name, name)]


@pytest.mark.parametrize("name", ["madeup.ris", "madeup.bib", "madeup.csl.json"])
def test_the_same_reference_gives_the_same_citation_block_in_every_format(name):
    assert citations(name) == [MADEUP_CITATION]


def test_endnote_ris_records_with_their_lines_and_what_is_missing():
    records = read_references(IMPORTS / "endnote.ris", "endnote.ris")
    assert [r.where for r in records] == ["endnote.ris:1", "endnote.ris:14", "endnote.ris:27", "endnote.ris:33"]
    assert records[0].citation == {
        "authors": ["Harriet Fenwick", "T. S. Mbeki", "Ola Lindqvist"], "year": 2019,
        "title": "Made-up evening screen curfews and sleep: a pretend randomised trial",
        "journal": "Pretend Journal of Digital Habits", "volume": "7", "issue": "2", "pages": "e1234",
        "doi": "10.5555/pretend.2019.1234"}
    assert records[1].citation["year"] == 2019 and records[1].citation["pages"] == "55-61"
    assert records[1].citation["doi"] == "10.5555/pretend.2019.0055"
    assert [r.problems for r in records] == [
        [], [], ["has no author; add the authors in the reference manager and export again"],
        ["has no year of publication; add it in the reference manager and export again"]]


def test_zotero_bibtex_braces_and_latex_accents_become_plain_text():
    records = read_references(IMPORTS / "zotero.bib", "zotero.bib")
    assert records[0].citation == {
        "authors": ["José Müller", "Ana Nuñez", "Made-Up Study Group"], "year": 2018,
        "title": "A Pretend Study of Café Wi-Fi & Mood: Results from München",
        "journal": "Imaginary Reports in Psychology", "volume": "3", "issue": "1", "pages": "12-19",
        "doi": "10.5555/pretend.2018.77"}
    assert records[1].citation["authors"] == ["Siobhán O'Connor"]
    assert records[1].citation["title"] == "An invented survey of scrolling time, 50% made up"
    assert records[2].where == "zotero.bib:21" and records[2].label.startswith("noyear_made_up: A made-up BibTeX")
    assert records[2].problems == ["has no year of publication; add it in the reference manager and export again"]


@pytest.mark.parametrize("raw, expected", [
    ("https://doi.org/10.5555/ABC.1", "10.5555/abc.1"), ("http://dx.doi.org/10.5555/x", "10.5555/x"),
    ("doi:10.5555/X", "10.5555/x"), ("DOI: 10.5555/x ", "10.5555/x"), ("10.5555%2Fx", "10.5555/x"),
    ("", None), (None, None)])
def test_doi_normalised(raw, expected):
    assert normalise_doi(raw) == expected


@pytest.mark.parametrize("family, expected", [
    ("Ångström", "angstrom"), ("O'Connor", "oconnor"), ("de Vries", "de-vries"), ("Lindqvist", "lindqvist"),
    ("Søndergaard", "sondergaard"), ("Made-Up Study Group", "made-up-study-group"), ("王", "study"),
    ("3M Research", "m-research")])
def test_ids_are_always_valid(family, expected):
    assert slug(family) == expected


def test_new_from_endnote_writes_one_file_per_record_and_names_the_unusable_ones(project, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    for name in list((project / "studies").iterdir()):
        name.unlink()
    assert main(["--root", str(project), "new", "--from", str(IMPORTS / "endnote.ris")]) == 1
    out, err = capsys.readouterr()
    ris = IMPORTS / "endnote.ris"
    assert out.splitlines() == [
        f"Wrote studies/fenwick-2019.yml from {ris}:1 ('Made-up evening screen curfews and sleep: a pretend "
        "randomised trial')",
        f"Wrote studies/fenwick-2019b.yml from {ris}:14 ('A second made-up study by the same first author in the "
        "same year')",
        "Fill in the rest of each new file from the study, then run: python build_site.py check"]
    assert err.splitlines() == [
        f"{ris}:27: record 'A made-up record exported without its authors' has no author; add the authors in the "
        "reference manager and export again",
        f"{ris}:33: record 'A made-up record exported without its year' has no year of publication; add it in the "
        "reference manager and export again"]
    assert sorted(p.name for p in (project / "studies").iterdir()) == ["fenwick-2019.yml", "fenwick-2019b.yml"]
    doc = load_file(project / "studies" / "fenwick-2019b.yml", "fenwick-2019b.yml")
    assert doc.problems == [] and doc.data["id"] == "fenwick-2019b"
    assert doc.data["citation"]["authors"] == ["Harriet Fenwick", "Kwame Osei"]


def test_everything_but_the_citation_is_what_new_writes(project, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    assert main(["--root", str(project), "new", "--from", str(IMPORTS / "madeup.csl.json")]) == 0
    assert main(["--root", str(project), "new", "angstrom", "2020"]) == 0
    imported = (project / "studies" / "angstrom-2021.yml").read_text(encoding="utf-8")
    by_hand = (project / "studies" / "angstrom-2020.yml").read_text(encoding="utf-8")
    # the same comments, line for line, and the same values outside the citation block
    assert [l for l in imported.splitlines() if l.lstrip().startswith("#")] == \
        [l for l in by_hand.splitlines() if l.lstrip().startswith("#")]
    a = load_file(project / "studies" / "angstrom-2021.yml", "a").data
    b = load_file(project / "studies" / "angstrom-2020.yml", "b").data
    assert a["citation"] == {**MADEUP_CITATION, "year_note": None, "print_year": None}
    assert {k: v for k, v in a.items() if k not in ("id", "citation")} == \
        {k: v for k, v in b.items() if k not in ("id", "citation")}
    assert a["added"] == "2026-01-01"
    assert '"Zoë Ångström"' in imported  # written as text a maintainer can read, not \\u escapes


def test_new_from_never_overwrites_and_says_what_it_skipped(project, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    assert main(["--root", str(project), "new", "--from", str(IMPORTS / "madeup.ris")]) == 0
    path = project / "studies" / "angstrom-2021.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("country: null", 'country: ["Made-up Land"]'),
                    encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    capsys.readouterr()
    # the same work again, from another manager's export: same DOI, so it is skipped
    assert main(["--root", str(project), "new", "--from", str(IMPORTS / "madeup.bib")]) == 0
    out, _ = capsys.readouterr()
    assert out == (f"Skipped {IMPORTS / 'madeup.bib'}:2 ('angstrom_made-up_2021: A made-up trial of short breaks "
                   "from social media: test data for the importer'): already in studies/angstrom-2021.yml, which "
                   "is left as it is\n")
    assert path.read_text(encoding="utf-8") == before


def test_a_different_study_with_a_taken_id_gets_a_letter(project, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    taken = next(p.stem for p in sorted((project / "studies").glob("*.yml"))  # any study with a plain year
                 if p.stem[-4:].isdigit())
    family, year = taken.rsplit("-", 1)
    ris = tmp_path / "other.ris"
    ris.write_text(f"TY  - JOUR\nAU  - {family.title()}, Made-Up\nPY  - {year}\nTI  - A made-up different study\n"
                   "T2  - Journal of Made-Up Test Data\nER  - \n", encoding="utf-8")
    before, free = (project / "studies" / f"{taken}.yml").read_bytes(), next_free_id(project, taken)
    assert main(["--root", str(project), "new", "--from", str(ris)]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote studies/{free}.yml from {ris}:1")
    assert (project / "studies" / f"{taken}.yml").read_bytes() == before


@pytest.mark.parametrize("text, message", [
    ("just some notes\n", "is not a RIS, BibTeX or CSL-JSON file"),
    ('[{"title": "x",', "not valid JSON"),
    ("[]", "holds no references")])
def test_unreadable_reference_files_exit_1_with_a_message(project, capsys, tmp_path, text, message):
    path = tmp_path / ("refs.json" if text.startswith("[") else "refs.txt")
    path.write_text(text, encoding="utf-8")
    assert main(["--root", str(project), "new", "--from", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"Error: {path}") and message in err and "Traceback" not in err


def test_new_needs_a_name_and_year_or_a_file(project, capsys):
    assert main(["--root", str(project), "new", "smith"]) == 2
    assert "give a surname and a year, or --from and a reference file" in capsys.readouterr().err
    assert main(["--root", str(project), "new", "smith", "--from", str(IMPORTS / "madeup.ris")]) == 2


def test_the_contribute_page_examples_are_what_the_tools_do(built_site, tmp_path, capsys, monkeypatch):
    """The made-up examples on /contribute/ are checked against new --from and import."""
    import csv
    import html
    import re

    from conftest import copy_project

    page = (built_site / "contribute" / "index.html").read_text(encoding="utf-8")
    blocks = [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", page,
                                                                             re.S)]
    ris = next(b for b in blocks if b.startswith("TY  - JOUR"))
    shown = next(b for b in blocks if b.startswith("citation:\n  authors:"))
    message = next(b for b in blocks if b.startswith("extraction.csv:"))
    root = copy_project(tmp_path / "empty", studies=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    (tmp_path / "included.ris").write_text(ris, encoding="utf-8")
    assert main(["--root", str(root), "new", "--from", "included.ris"]) == 0
    written = (root / "studies" / "rivera-2022.yml").read_text(encoding="utf-8")
    block = [line for line in written.split("\ncitation:\n", 1)[1].splitlines() if not line.lstrip().startswith("#")]
    assert ["citation:"] + block[:len(shown.strip().splitlines()) - 1] == shown.strip().splitlines()
    (root / "studies" / "rivera-2022.yml").unlink()

    table = re.search(r"<caption>A made-up row of an extraction sheet</caption>(.*?)</table>", page, re.S).group(1)
    cells = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
             for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    effect = cells[0].index("outcome_1_effect")
    assert effect == 9  # column J, as the page says
    with open(tmp_path / "extraction.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(cells)
    capsys.readouterr()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(DAY) + 31 * 86400))  # after the row's added date: no future dates
    assert main(["--root", str(root), "import", "extraction.csv"]) == 0
    assert capsys.readouterr().out.startswith("Wrote studies/rivera-2022.yml from row 2\n")
    (root / "studies" / "rivera-2022.yml").unlink()
    cells[1][effect] += "x"
    with open(tmp_path / "extraction.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(cells)
    assert main(["--root", str(root), "import", "extraction.csv"]) == 1
    assert capsys.readouterr().err == message.strip() + "\n"
