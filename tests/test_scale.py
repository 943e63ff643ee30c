"""The scaling design stays in place: pages do not grow with the number of studies, and the fast
validator agrees with jsonschema."""

import re
from pathlib import Path

import pytest

from evidence_site.build import prepare
from evidence_site.load import load_file
from evidence_site.render import PAGE_SIZE, render_pages
from evidence_site.validate import is_valid, validator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def corpus():
    """Every study-shaped file the tests hold that the loader accepts (the rest never reach validation)."""
    files = sorted((HERE / "hostile").glob("*.yml")) + sorted((ROOT / "studies").glob("*.yml"))
    files += sorted((HERE / "fixtures" / "madeup-review" / "studies").glob("*.yml"))
    files = [f for f in files if not f.name.endswith(".expect.yml")]
    return [f for f in files if load_file(f, f.name).data is not None]


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_fast_validator_agrees_with_jsonschema(path):
    doc = load_file(path, path.name)
    assert is_valid(doc.data, "study") == validator("study").is_valid(doc.data)


def test_fast_validator_agrees_on_edits_of_a_valid_file():
    data = load_file(ROOT / "studies" / "brown-2020.yml", "brown-2020.yml").data
    edits = [("sample", {"size": True, "size_note": None, "population": None, "mean_age": None, "percent_female": None}),
             ("review_reference", 1.5), ("id", "Brown-2020"), ("id", "brown-2020\n"), ("country", []),
             ("added", "2026-1-1"), ("outcomes", [{}]), ("extra", 1), ("overall_effect", 3), ("sources", ["ftp://x"])]
    for key, value in edits:
        changed = {**data, key: value}
        assert is_valid(changed, "study") == validator("study").is_valid(changed) is False, key


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import make_project

    small = make_project(tmp_path_factory.mktemp("small") / "p", PAGE_SIZE // 2, seed=3)
    big = make_project(tmp_path_factory.mktemp("big") / "p", PAGE_SIZE * 3 + 7, seed=3)
    return prepare(small), prepare(big)


def test_no_page_grows_with_the_number_of_studies(large):
    small, big = large
    small_pages = render_pages(small.review, small.studies, small.summary)
    big_pages = render_pages(big.review, big.studies, big.summary)
    for name in ["index.md", "findings.md", "press.md", "limitations.md", "methods.md", "whats-new.md",
                 "studies/index.md"]:
        assert len(big_pages[name]) < 3 * len(small_pages[name]) + 40_000, name
    sizes = [len(text) for name, text in big_pages.items() if name.startswith("studies/synthetic")]
    first_small = len(next(t for n, t in small_pages.items() if n.startswith("studies/synthetic")))
    assert max(sizes) < 2 * first_small, "a study page does not carry the other studies"


def test_large_reviews_are_paged(large):
    _, big = large
    pages = render_pages(big.review, big.studies, big.summary)
    listed = pages["studies/index.md"].count('<tr id="synthetic')
    assert listed == PAGE_SIZE
    assert "studies/2.md" in pages and "studies/4.md" in pages and "studies/5.md" not in pages
    assert sum(pages[f"studies/{n}.md"].count('<tr id="synthetic') for n in (2, 3, 4)) == len(big.studies) - PAGE_SIZE
    for key in ("therapy-based", "limiting-use", "abstinence"):
        page = pages[f"studies/type/{key}/index.md"]
        assert page.count('<tr id="synthetic') <= PAGE_SIZE and "effect-direction" in page
    assert '<tr id="synthetic' not in pages["findings.md"]
    assert re.search(r'href="\.\./studies/type/[a-z-]+/#effect-direction"', pages["findings.md"])


def test_small_reviews_keep_everything_on_one_page():
    site = prepare(ROOT)
    pages = render_pages(site.review, site.studies, site.summary)
    assert pages["studies/index.md"].count('<tr id="') >= len(site.studies)
    assert "studies/2.md" not in pages
    assert 'id="study-filters"' in pages["studies/index.md"]


def test_listing_pages_are_kept_out_of_search_and_study_pages_out_of_nav(large, tmp_path):
    from evidence_site.pages import nav, page_info

    nav_text = " ".join(str(item) for item in nav())
    assert "studies/index.md" in nav_text and "synthetic" not in nav_text and "brown-2020" not in nav_text
    _, big = large
    pages = render_pages(big.review, big.studies, big.summary)
    info = page_info(big.review, big.studies, big.summary)
    assert "studies/2.md" in pages and info["studies/2.md"]["page"].search is False
    assert info["studies/index.md"]["page"].search is True
