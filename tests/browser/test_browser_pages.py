"""Every page of the built site, found by walking it, loaded in a real Chromium: axe-core WCAG 2.2
A/AA, no request to another host, no failed request or console error, and every internal link and
anchor resolves. The same in the dark palette and at phone width (with no sideways scrolling) on the
sample: every single page and enough of each family of pages to show every kind of element."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import sitecheck
from .conftest import PHONE as PHONE_WIDTH
from .sitecheck import describe_violations, expect_none

ROOT = Path(__file__).resolve().parents[2]
# Each pass over every page is a session fixture; under pytest-xdist the tests of one pass share a
# worker (--dist loadgroup), so each pass runs once, and the three passes run on different cores.
# The dark palette and phone width are checked in the light pass's loads (conftest.dark, .phone), so
# their tests share that group.
LIGHT = DARK = PHONE = pytest.mark.xdist_group("light")


@LIGHT
def test_every_page_of_the_build_is_covered(pages, light):
    """Discovery finds the 404 page, each navigation entry and a page for every study file."""
    from evidence_site.pages import PAGES  # the page registry, which the navigation is made from

    expected = {"/404.html"} | {page.url for page in PAGES if page.nav}
    expected |= {f"/studies/{f.stem}/" for f in (ROOT / "studies").glob("*.yml")}
    assert expected <= set(pages), f"pages missing from the build: {sorted(expected - set(pages))}"
    assert set(light) == set(pages)


def axe_failures(reports) -> list[str]:
    return [f"{r.path}: {line}" for r in reports.values() for line in describe_violations(r.violations)]


@LIGHT
def test_no_axe_violations_in_light_palette(light):
    assert {r.scheme for r in light.values()} == {"default"}
    expect_none(axe_failures(light), "axe violations in the light palette")


@DARK
def test_no_axe_violations_in_dark_palette(dark, sample):
    assert set(dark) == set(sample), "every page of the sample is checked in the dark palette"
    assert {r.scheme for r in dark.values()} == {"slate"}, "the toggle and prefers-color-scheme: dark select slate"
    expect_none(axe_failures(dark), "axe violations in the dark palette")


@DARK
def test_a_reader_who_prefers_dark_gets_the_dark_palette_as_the_page_opens(browser, site_url, dark):
    """The dark checks switch most pages with the toggle after they open light; a reader whose
    system is set to dark gets the same colours from the start (each page's measure alike)."""
    assert {r.reached_by for r in dark.values()} >= {"toggle"}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        for path in ("/", "/studies/"):
            page.goto(site_url + path, wait_until="load")
            page.wait_for_function(sitecheck.TRANSITIONS_DONE_JS)
            assert page.evaluate(sitecheck.SCHEME_JS) == "slate", path
            assert page.evaluate(sitecheck.CONTRAST_JS) == dark[path].contrast, path
    finally:
        context.close()


@PHONE
def test_no_axe_violations_at_phone_width(phone, sample):
    assert set(phone) == set(sample), "every page of the sample is checked at phone width"
    expect_none(axe_failures(phone), "axe violations at 360 px wide")


@PHONE
def test_a_page_opened_on_a_phone_is_laid_out_as_the_pass_saw_it(browser, site_url, phone):
    """The phone checks narrow each page after it opened at desktop width; opened at 360 px from
    the start, the pages are laid out the same: every visible element in the same place, at the
    same size, with the same display. Compared here on /, /studies/, /findings/ and a study page."""
    assert {r.reached_by for r in phone.values()} == {"resize"}
    context = browser.new_context(viewport=PHONE_WIDTH)
    try:
        page = context.new_page()
        for path in ("/", "/studies/", "/findings/", next(p for p in phone if p.count("/") == 3)):
            page.goto(site_url + path, wait_until="load")
            page.evaluate(sitecheck.SETTLED_JS)
            page.wait_for_function(sitecheck.TRANSITIONS_DONE_JS)
            assert page.evaluate(sitecheck.LAYOUT_JS) == phone[path].layout, path
            assert page.evaluate(sitecheck.OVERFLOW_JS) == phone[path].overflow, path
    finally:
        context.close()


@PHONE
def test_no_horizontal_scroll_at_phone_width(phone):
    expect_none([f"{r.path}: the page is {r.overflow} px wider than a 360 px screen"
                 for r in phone.values() if r.overflow > 0], "pages that scroll sideways")


def network_problems(reports, site_url) -> list[str]:
    # The recorder saw each page's own files, so an empty list means something.
    assert all(any(u.endswith(".css") for u in r.requests) for r in reports.values())
    assert all(u.startswith(site_url + "/") for r in reports.values() for u in r.requests)
    return [f"{r.path} ({r.scheme}): {p}" for r in reports.values() for p in r.network]


@LIGHT
def test_no_foreign_request_failure_or_console_error_in_light_palette(light, site_url):
    expect_none(network_problems(light, site_url), "network problems")


@DARK
def test_no_foreign_request_failure_or_console_error_in_dark_palette(dark, site_url):
    expect_none(network_problems(dark, site_url), "network problems")


@PHONE
def test_no_foreign_request_failure_or_console_error_at_phone_width(phone, site_url):
    expect_none(network_problems(phone, site_url), "network problems")


@LIGHT
def test_a_first_visit_makes_the_same_requests_as_the_pass(browser, site_url, pages, light):
    """The passes load every page in one browser context; a reader's first visit (a fresh context
    for each page) makes exactly the requests the pass recorded, so nothing is hidden by a cache or
    by what an earlier page left behind. One page of each kind: home, a listing, a study, 404."""
    study = next(p for p in pages if p.startswith("/studies/") and p.count("/") == 3)
    for path, first in sitecheck.record_visits(browser, site_url, ["/", "/studies/", study, "/404.html"], fresh=True).items():
        assert sorted(first.requests) == sorted(light[path].requests), path


def test_the_sample_shows_every_template_and_every_kind_of_element(built_site, pages, sample):
    """The dark and phone passes visit the sample: every single page, and enough of each family
    that every element name and class any page of the site has is on a page they check."""
    assert sitecheck.single_pages() <= set(sample) <= set(pages)
    assert any(p.startswith("/studies/") and p.count("/") == 3 for p in sample), "no study page in the sample"

    def kinds(paths):
        return set().union(*(sitecheck.element_kinds(sitecheck.page_file(built_site, p).read_text(encoding="utf-8"))
                             for p in paths))
    assert kinds(sample) == kinds(pages)


@LIGHT
def test_every_internal_link_and_anchor_resolves(light):
    expect_none([line for r in light.values() for line in r.broken_links], "broken links")
    assert sum(len(r.links) for r in light.values()) > len(light), "the link check saw no links"
