"""Text contrast measured in the browser on every page, in both palettes, for every piece of text
a reader can see, HTML and SVG alike: WCAG 2.2 AA's 4.5:1 (3:1 for large text). axe-core checks
contrast too, but leaves out text it cannot place (in sideways-scrolling boxes and in SVG), which
is where the coloured effect labels are; this check computes every colour itself, semi-transparent
text and backgrounds composited as the browser paints them."""

from __future__ import annotations

import pytest

from .sitecheck import CONTRAST_JS, expect_none

def contrast_problems(reports, scheme: str) -> list[str]:
    """The contrast check's findings from a pass over every page (conftest's light and dark)."""
    assert all(r.contrast is not None for r in reports.values()), "the pass did not run the contrast check"
    assert sum(r.contrast["checked"] for r in reports.values()) > len(reports) * 50, \
        "the contrast check saw almost no elements"
    return [f"{r.path} ({scheme}): {line}" for r in reports.values() for line in r.contrast["found"]]


@pytest.mark.xdist_group("light")  # the light pass over every page (see test_browser_pages)
def test_every_text_has_enough_contrast_in_light_palette(light):
    expect_none(contrast_problems(light, "light"), "texts below the WCAG AA contrast in the light palette")


@pytest.mark.xdist_group("light")  # the dark palette is checked in the light pass's loads
def test_every_text_has_enough_contrast_in_dark_palette(dark):
    expect_none(contrast_problems(dark, "dark"), "texts below the WCAG AA contrast in the dark palette")


def test_contrast_check_finds_low_contrast(browser, site_url):
    """Negative control: the old 3:1 chart colour as text (#a86f00 on white, 4.25:1) is caught."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "/", wait_until="load")
        page.evaluate("""() => { const s = document.createElement('span'); s.textContent = 'Mixed';
                                 s.style.color = '#a86f00'; document.querySelector('article').append(s); }""")
        found = page.evaluate(CONTRAST_JS)["found"]
    finally:
        context.close()
    assert any('"Mixed": 4.2' in line for line in found), found
