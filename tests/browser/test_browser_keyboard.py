"""Every region that scrolls can be scrolled from the keyboard: it takes focus itself (and then
has a name if it is a landmark region) or holds something that does. Checked on every page at
desktop width and without JavaScript on every page, and at phone width on the sample of pages
(conftest.py), so the markup itself does it rather than the theme's script."""

from __future__ import annotations

import pytest

from .sitecheck import SCROLLERS_JS, expect_none


def scroller_problems(reports, setting: str) -> list[str]:
    assert all(r.scrollers is not None for r in reports.values()), "the pass did not run the keyboard check"
    assert sum(r.scrollers["scrollers"] for r in reports.values()), "no page has a scrolling region, so nothing was checked"
    return [f"{r.path} ({setting}): {line}" for r in reports.values() for line in r.scrollers["found"]]


@pytest.mark.xdist_group("light")  # desktop width: the light pass over every page (see test_browser_pages)
def test_every_scrolling_region_takes_keyboard_focus_on_a_desktop(light):
    expect_none(scroller_problems(light, "desktop"), "scrolling regions a keyboard cannot reach")


@pytest.mark.xdist_group("light")  # phone width is checked in the light pass's loads
def test_every_scrolling_region_takes_keyboard_focus_on_a_phone(phone):
    expect_none(scroller_problems(phone, "phone"), "scrolling regions a keyboard cannot reach")


@pytest.mark.xdist_group("light")  # the pass without JavaScript is read by the light group's tests too
def test_every_scrolling_region_takes_keyboard_focus_without_javascript(no_script):
    """At phone width with JavaScript off, so the markup itself does it rather than the theme's script."""
    assert sum(r["scrollers"]["scrollers"] for r in no_script.values()), "no page has a scrolling region, so nothing was checked"
    expect_none([f"{path} (phone, no JavaScript): {line}" for path, r in no_script.items()
                 for line in r["scrollers"]["found"]], "scrolling regions a keyboard cannot reach")


def test_keyboard_check_finds_an_unreachable_code_block(browser, site_url):
    """Negative control: the BibTeX block on /citation/ without its tabindex is reported."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(site_url + "/citation/", wait_until="load")
        page.evaluate("() => document.querySelectorAll('pre > code').forEach(c => c.removeAttribute('tabindex'))")
        found = page.evaluate(SCROLLERS_JS)["found"]
    finally:
        context.close()
    assert any(line.startswith("code") and "sideways" in line for line in found), found
