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


# Work done once, search entries written, generated HTML kept out of Markdown (issue 15).

import json
import shutil

from conftest import copy_project


def test_study_cache_hits_misses_and_invalidation(tmp_path, monkeypatch):
    from evidence_site import cache as study_cache
    from evidence_site.cache import StudyCache

    root = copy_project(tmp_path / "p")
    n = len(list((root / "studies").glob("*.yml")))
    first_cache = StudyCache(root)
    first = prepare(root, cache=first_cache)
    assert (first_cache.hits, first_cache.misses) == (0, n)
    again = StudyCache(root)  # a new process: entries come back from .cache/evidence-site/
    assert prepare(root, cache=again).studies == first.studies
    assert (again.hits, again.misses) == (n, 0)
    # a changed study file is loaded and checked again; the others still come from the cache
    edited = root / "studies" / "brown-2020.yml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("design:", "design: Edited.", 1) if False
                      else edited.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    third = StudyCache(root)
    prepare(root, cache=third)
    assert (third.hits, third.misses) == (n - 1, 1)
    # a codebook change invalidates every entry (a category's definition is part of the codebook)
    review = root / "review.yml"
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("definition: ", "definition: Edited. ", 1), encoding="utf-8")
    fourth = StudyCache(root)
    prepare(root, cache=fourth)
    assert (fourth.hits, fourth.misses) == (0, n)
    # so does a schema change (and a new package version, which is part of the same key)
    schemas = tmp_path / "package"
    shutil.copytree(study_cache.PACKAGE_DIR / "schema", schemas / "schema")
    (schemas / "schema" / "study.schema.json").write_text(
        (schemas / "schema" / "study.schema.json").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = study_cache.salt({"a": 1})
    monkeypatch.setattr(study_cache, "PACKAGE_DIR", schemas)
    assert study_cache.salt({"a": 1}) != before
    monkeypatch.undo()
    monkeypatch.setattr(study_cache, "__version__", "0.0.0-other")
    assert study_cache.salt({"a": 1}) != before


def test_a_file_with_problems_is_never_cached_and_a_broken_entry_is_a_miss(tmp_path):
    from evidence_site.cache import FOLDER, StudyCache
    from evidence_site.problems import InputError

    root = copy_project(tmp_path / "p")
    bad = root / "studies" / "brown-2020.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("year: 2020", "year: twenty", 1), encoding="utf-8")
    with pytest.raises(InputError, match="brown-2020.yml"):
        prepare(root, cache=StudyCache(root))
    with pytest.raises(InputError, match="brown-2020.yml"):  # the same problem again, never a cached pass
        prepare(root, cache=StudyCache(root))
    entries = list((root / FOLDER).rglob("*.json"))
    assert entries and len(entries) == len(list((root / "studies").glob("*.yml"))) - 1
    for entry in entries:
        entry.write_text("{not json", encoding="utf-8")
    shutil.copy2(ROOT / "studies" / "brown-2020.yml", bad)
    broken = StudyCache(root)
    site = prepare(root, cache=broken)
    assert broken.hits == 0 and len(site.studies) == len(entries) + 1



def test_templates_compile_once_and_again_when_edited(tmp_path):
    """Jinja's bytecode cache under .cache/evidence-site/templates/: a second build loads every
    template it compiled; an edited template is compiled anew and the page shows the edit."""
    from evidence_site.build import build
    from evidence_site.cache import FOLDER, TEMPLATES

    root = copy_project(tmp_path / "p")
    shutil.rmtree(root / FOLDER / TEMPLATES, ignore_errors=True)  # copies come with compiled templates
    build(root, root / "site")
    compiled = {p.name: p.read_bytes() for p in (root / FOLDER / TEMPLATES).glob("__jinja2_*.cache")}
    assert len(compiled) > 10  # the theme's templates and the package's
    first = (root / "site" / "index.html").read_bytes()
    build(root, root / "site")
    assert {p.name: p.read_bytes() for p in (root / FOLDER / TEMPLATES).glob("__jinja2_*.cache")} == compiled
    assert (root / "site" / "index.html").read_bytes() == first
    override = root / "overrides" / "main.html"
    text = override.read_text(encoding="utf-8")
    assert "{% block extrahead -%}" in text
    override.write_text(text.replace("{% block extrahead -%}", '{% block extrahead -%}<meta name="edited-override">', 1),
                        encoding="utf-8")
    build(root, root / "site")
    assert "edited-override" in (root / "site" / "index.html").read_text(encoding="utf-8")
    assert len(list((root / FOLDER / TEMPLATES).glob("__jinja2_*.cache"))) == len(compiled)  # replaced, not added

def _tricky_study(root):
    """brown-2020.yml with a made-up citation whose byline has what the search text must get right
    (markup-like text, doubled spaces, quotes, a line-start dash). NOT real data."""
    import yaml

    path = root / "studies" / "brown-2020.yml"
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    study["citation"].update(authors=["Ann  <b>Example</b> & Co", "Ben O'Placeholder"],
                             title="A made-up   title: <i>x</i> & \"y\" - 1. [z]", journal="- J. &amp; `Made` {{up}}")
    path.write_text(yaml.safe_dump(study, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _two_builds(tmp_path, monkeypatch):
    """The project built as shipped, and again with study pages parsed by the search plugin and
    their HTML blocks left to Python-Markdown (the way before issue 15)."""
    from mkdocs.config import load_config

    from evidence_site import plugin as evidence, render
    from evidence_site.build import build, evidence_plugin
    from evidence_site.pages import STUDY

    from material.plugins.search import plugin as material_search

    root = copy_project(tmp_path / "p")
    _tricky_study(root)
    scraped, feed = [], material_search.Parser.feed
    with monkeypatch.context() as spied:  # what the search plugin parses in the shipped build
        spied.setattr(material_search.Parser, "feed", lambda self, html: scraped.append(html) or feed(self, html))
        fast = build(root, tmp_path / "fast")
    assert scraped and not [html for html in scraped if re.match(r"<!-- generated from studies/[a-z0-9-]+\.yml ", html)]
    evidence_plugin(load_config(str(root / "mkdocs.yml"))).env = None  # the instance is kept per process
    with monkeypatch.context() as patched:
        patched.setattr(evidence, "search_index", lambda config: None)
        markdown_of = evidence.EvidencePlugin.on_page_markdown

        def parsed(self, markdown, page, config, files):  # study pages' HTML blocks go through Markdown
            if self.info.get(page.file.src_uri, {}).get("page") is STUDY:
                markdown = markdown.replace(render.HTML_BLOCK_START + "\n", "").replace("\n" + render.HTML_BLOCK_END, "\n")
            return markdown_of(self, markdown, page, config, files)

        patched.setattr(evidence.EvidencePlugin, "on_page_markdown", parsed)
        scraped.clear()
        patched.setattr(material_search.Parser, "feed", lambda self, html: scraped.append(html) or feed(self, html))
        slow = build(root, tmp_path / "slow")
        evidence_plugin(load_config(str(root / "mkdocs.yml"))).env = None
    assert [html for html in scraped if re.match(r"<!-- generated from studies/[a-z0-9-]+\.yml ", html)]
    return root, fast, slow


def test_written_search_entries_and_unparsed_html_give_the_same_site(tmp_path, monkeypatch):
    """Every file of the site, the search index included, is byte for byte what the search plugin's
    parsing and Python-Markdown made of the study pages, with a byline full of markup-like text."""
    root, fast, slow = _two_builds(tmp_path, monkeypatch)
    files = sorted(p.relative_to(fast) for p in fast.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(slow) for p in slow.rglob("*") if p.is_file())
    for name in files:
        assert (fast / name).read_bytes() == (slow / name).read_bytes(), name
    index = json.loads((fast / "search" / "search_index.json").read_text(encoding="utf-8"))
    for path in sorted((root / "studies").glob("*.yml")):
        assert any(entry["location"] == f"studies/{path.stem}/" for entry in index["docs"]), path.stem


def test_downloads_kept_across_serve_rebuilds_are_written_as_a_build_writes_them(tmp_path):
    """serve keeps each study's part of studies.json, studies.csl.json and studies.bib
    (export.downloads' kept): with kept parts, before and after an edit, the files are the same
    as written from scratch, and an edited study's part is written again."""
    import sys

    from evidence_site.export import downloads

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import make_project

    root = make_project(tmp_path / "review", 40)
    site = prepare(root)
    kept = {}
    assert downloads(site.review, site.studies, kept) == downloads(site.review, site.studies)
    edited = [dict(s) for s in site.studies]
    edited[7] = {**edited[7], "design": "Edited: a design described in other words, with “quotes” ▲"}
    again = downloads(site.review, edited, kept)
    assert again == downloads(site.review, edited)
    assert "Edited: a design" in again["data/studies.json"]
    assert all(len(part) == len(edited) for part in kept.values())  # nothing left over from before
    assert downloads(site.review, [], {}) == downloads(site.review, [])
