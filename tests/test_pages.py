"""The page registry (evidence_site/pages.py): one entry and one template make a page everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from evidence_site import pages
from evidence_site.urls import read_published

GLOSSARY_TEMPLATE = """\
{% import "_macros.md.j2" as m %}
# Glossary

Words used on {{ review.site.title }}: {{ summary.included }} studies in the review.
"""
GLOSSARY_ENTRY = """
PAGES += (Page("glossary.md", "glossary.md.j2", _fixed("Glossary of terms"), "Glossary",
               lambda f: f"The words this site uses, for a review of {{f.included}} studies.",
               lambda f: ("42", "words explained"), structured=(HIGHWIRE,), search=False, published={published}),)
"""
SITE_URL = "https://evidence.example.org/review/"


def add_glossary(project: Path, published: bool) -> None:
    (project / "evidence_site/templates/glossary.md.j2").write_text(GLOSSARY_TEMPLATE, encoding="utf-8")
    with open(project / "evidence_site/pages.py", "a", encoding="utf-8") as registry:
        registry.write(GLOSSARY_ENTRY.format(published=published))


def build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build_site.py", "build"], cwd=project, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "SITE_URL": SITE_URL})


def test_a_page_added_to_the_registry_appears_everywhere(project):
    add_glossary(project, published=False)
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    html = (site / "glossary/index.html").read_text(encoding="utf-8")
    assert "Words used on" in html and "23 studies in the review" in html
    # navigation, on every page, after the registry's other pages
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="glossary/"' in index and "Glossary" in index
    assert index.index('href="contribute/"') < index.index('href="glossary/"')
    # head tags: description, social card, the structured data it declares
    assert '<meta property="og:title" content="Glossary of terms">' in html
    assert '<meta property="og:description" content="The words this site uses, for a review of 23 studies.">' in html
    assert f'<meta property="og:image" content="{SITE_URL}assets/cards/glossary.png">' in html
    assert '<meta name="citation_title"' in html
    assert (site / "assets/cards/glossary.png").read_bytes().startswith(b"\x89PNG")
    # the sitemap, and the search policy (left out of the index)
    assert f"<loc>{SITE_URL}glossary/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    index_docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not [d for d in index_docs if d["location"].startswith("glossary/")]
    assert [d for d in index_docs if d["location"].startswith("findings/")]


def test_a_published_registry_page_must_be_in_published_urls(project):
    add_glossary(project, published=True)
    failed = build(project)
    assert failed.returncode == 1
    line = len((project / "published-urls.txt").read_text(encoding="utf-8").splitlines()) + 1
    assert failed.stderr.splitlines()[0] == (
        f"published-urls.txt:{line}:1: /glossary/: the page registry (evidence_site/pages.py) publishes glossary.md "
        "but this file does not list its address; add the line [url-unlisted]")
    assert not (project / "site").exists()
    with open(project / "published-urls.txt", "a", encoding="utf-8") as urls:
        urls.write("/glossary/\n")
    passed = build(project)
    assert passed.returncode == 0, passed.stderr


def test_an_unpublished_page_listed_as_published_is_refused():
    registry = pages.PAGES[:1] + (pages.Page("draft.md", "draft.md.j2", lambda f: "Draft", None, lambda f: "",
                                             published=False),)
    problems = pages.unlisted([(1, "/"), (2, "/draft/")], registry)
    assert [(p.line, p.code) for p in problems] == [(2, "url-unpublished")]


def test_the_real_registry_agrees_with_published_urls_and_mkdocs_yml():
    assert pages.unlisted(read_published(ROOT / "published-urls.txt")) == []
    assert "\nnav:" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert [page.url for page in pages.PAGES][:2] == ["/", "/findings/"]
    assert pages.url_of("studies/index.md") == "/studies/"


def test_every_registry_page_is_built_with_its_head_tags(built_site):
    for page in pages.PAGES:
        html = (built_site / page.url.lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert '<meta property="og:description"' in html, page.path
        assert ('<meta name="citation_title"' in html) == (pages.HIGHWIRE in page.structured), page.path
        assert ('"@type": "Dataset"' in html) == (pages.DATASET in page.structured), page.path
