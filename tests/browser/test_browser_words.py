"""What a reader and a journalist see (issue 13): the studies table's results on screen at desktop
widths without scrolling sideways, every result visible on a phone, and the press page's copy
buttons (present and working with JavaScript, absent without it)."""

from __future__ import annotations

from playwright.sync_api import expect

import pytest

from .sitecheck import expect_none

RESULT_COLUMNS = """() => {
  const box = document.querySelector('#studies-table').closest('.table-scroll').getBoundingClientRect();
  const heads = Array.from(document.querySelectorAll('#studies-table thead th'));
  const pick = word => heads.find(h => h.textContent.startsWith(word));
  return {box: [box.left, box.right], scrolled: document.querySelector('#studies-table').closest('.table-scroll').scrollLeft,
          pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
          columns: ['Study', 'Overall effect', 'Quality'].map(w => { const r = pick(w).getBoundingClientRect();
                                                                    return [w, r.left, r.right]; })};
}"""


@pytest.mark.parametrize("width", [1024, 1280, 1920])
def test_studies_results_are_on_screen_without_scrolling(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + "/studies/")
        found = page.evaluate(RESULT_COLUMNS)
        assert found["pageWidth"] <= found["viewport"], f"the page scrolls sideways at {width} px"
        left, right = found["box"]
        for name, start, end in found["columns"]:
            assert left <= start and end <= right + 0.5, f"{name} column is outside the visible table at {width} px: {found}"
        assert found["scrolled"] == 0
    finally:
        context.close()


def test_no_result_is_hidden_on_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(site_url + "/studies/")
        cells = page.evaluate("""() => Array.from(document.querySelectorAll('#studies-table tbody td'), td => {
            const r = td.getBoundingClientRect();
            return {label: td.dataset.label, text: td.textContent.trim(), left: r.left, right: r.right,
                    shown: getComputedStyle(td).display !== 'none' && r.width > 0};
        })""")
        assert cells
        for cell in cells:
            assert cell["shown"] and cell["text"], cell
            assert 0 <= cell["left"] and cell["right"] <= 360, f"{cell['label']} is off screen on a phone: {cell}"
        labels = {c["label"] for c in cells}
        assert {"Overall effect", "Quality"} <= labels
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_press_copy_buttons_copy_the_sentence_and_its_link(page, site_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(site_url + "/press/")
    items = page.locator("[data-copy-link]")
    assert items.count() >= 5
    assert page.locator(".copy-buttons").count() == items.count()
    first = items.first
    sentence = first.locator(".press-quote").inner_text().strip()
    first.get_by_role("button", name="Copy sentence").first.click()
    # polled by Playwright, not by a string evaluated in the page (the page's CSP forbids eval)
    expect(page.locator("#copy-status")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == sentence
    first.get_by_role("button", name="Copy link").first.click()
    expect(page.locator("#copy-status")).to_contain_text("#")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{site_url}/findings/#overall"
    expect_none(page.recorder.problems(), "network or console problems on /press/")
    page.goto(link)  # the link lands on a heading whose sentence says whose figure it is
    target = page.evaluate("""() => { const t = document.getElementById(location.hash.slice(1));
        return {tag: t.tagName, text: t.textContent + ' ' + (t.nextElementSibling || t).textContent}; }""")
    assert target["tag"] in ("H2", "H3", "LI") and "review reports" in target["text"]


def test_no_copy_buttons_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/press/")
        assert page.locator("[data-copy-link]").count() >= 5
        assert page.locator("[data-copy-link] button, .copy-button").count() == 0
        assert "Permanent link" in page.locator("#press-overall").inner_text()
    finally:
        context.close()
