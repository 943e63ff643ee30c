"""Printing: /, /findings/ and a study page print without navigation chrome, links to other
sites show their address, and Chromium turns each into a PDF (kept in artifacts/print/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .sitecheck import expect_none

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "artifacts" / "print"

# Everything that is for moving around the site rather than reading it.
CHROME = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
          ".md-search", ".md-top", ".md-skip", ".md-dialog", "#study-filters", ".headerlink"]

ADDRESSES_JS = """() => Array.from(document.querySelectorAll('article a[href]'))
    .filter(a => a instanceof HTMLAnchorElement)  // links in inline SVG figures have no protocol
    .filter(a => a.protocol.startsWith('http') && a.origin !== location.origin)
    .map(a => ({href: a.href, text: a.innerText, after: getComputedStyle(a, '::after').content}))"""


def print_paths(pages: list[str]) -> list[str]:
    study = next(p for p in pages if p.startswith("/studies/") and p != "/studies/")
    return ["/", "/findings/", study]


@pytest.fixture(scope="module")
def printed(browser, site_url, pages):
    """For each page: chrome still shown in print, external link addresses, and the PDF bytes."""
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    context = browser.new_context()
    try:
        page = context.new_page()
        for path in print_paths(pages):
            page.goto(site_url + path)
            page.emulate_media(media="print")
            shown = page.evaluate("""sels => sels.flatMap(s => Array.from(document.querySelectorAll(s))
                .filter(e => e.getClientRects().length > 0).map(() => s))""", CHROME)
            name = path.strip("/").replace("/", "-") or "index"
            pdf = page.pdf(path=OUT / f"{name}.pdf", format="A4", print_background=False)
            results[path] = {"shown": shown, "links": page.evaluate(ADDRESSES_JS), "pdf": pdf,
                             "article": page.evaluate("document.querySelector('article').getClientRects().length")}
            page.emulate_media(media="screen")
    finally:
        context.close()
    return results


def test_print_produces_a_pdf_of_each_page(printed):
    for path, result in printed.items():
        pdf = result["pdf"]
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF"), path
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 40, f"{path}: {pages} PDF pages"
        assert result["article"] > 0, f"{path}: the article itself is not printed"


def test_print_hides_navigation_chrome(printed):
    expect_none([f"{path}: {s} is printed" for path, r in printed.items() for s in r["shown"]], "chrome in print")


def test_print_shows_the_address_of_links_to_other_sites(printed):
    problems = []
    links = [(path, link) for path, r in printed.items() for link in r["links"]]
    assert links, "no links to other sites on the printed pages, so this check checks nothing"
    for path, link in links:
        printed_text = link["text"] + (link["after"] if link["after"] not in ("none", "normal") else "")
        count = printed_text.count(link["href"])
        if count != 1:
            problems.append(f"{path}: {link['href']} printed {count} times as {printed_text!r}")
    expect_none(problems, "external links whose address is not printed exactly once")
