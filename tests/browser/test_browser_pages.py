"""Every page of the built site, found by walking it, loaded cold in a real Chromium:
axe-core WCAG 2.2 A/AA in the light and dark palettes and at phone width, no request to another
host, no failed request or console error, no sideways scrolling on a phone, and every internal
link and anchor resolves."""

from __future__ import annotations

from pathlib import Path

import pytest

from .sitecheck import describe_violations, expect_none

ROOT = Path(__file__).resolve().parents[2]
# Each pass over every page is a session fixture; under pytest-xdist the tests of one pass share a
# worker (--dist loadgroup), so each pass runs once, and the three passes run on different cores.
LIGHT, DARK, PHONE = (pytest.mark.xdist_group(name) for name in ("light", "dark", "phone"))


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
def test_no_axe_violations_in_dark_palette(dark):
    assert {r.scheme for r in dark.values()} == {"slate"}, "prefers-color-scheme: dark must select the slate palette"
    expect_none(axe_failures(dark), "axe violations in the dark palette")


@PHONE
def test_no_axe_violations_at_phone_width(phone):
    expect_none(axe_failures(phone), "axe violations at 360 px wide")


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
def test_every_internal_link_and_anchor_resolves(light):
    expect_none([line for r in light.values() for line in r.broken_links], "broken links")
    assert sum(len(r.links) for r in light.values()) > len(light), "the link check saw no links"
