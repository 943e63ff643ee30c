"""Every region that scrolls can be scrolled from the keyboard: it takes focus itself (and then
has a name if it is a landmark region) or holds something that does. Checked on every page at
desktop and phone width, and without JavaScript, so the markup itself does it rather than the
theme's script."""

from __future__ import annotations

import pytest

from .sitecheck import expect_none

SCROLLERS_JS = """() => {
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const named = el => (el.getAttribute('aria-label') || '').trim()
    || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => id && document.getElementById(id)
                                                                    && document.getElementById(id).textContent.trim());
  const found = [];
  let scrollers = 0;
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const style = getComputedStyle(el);
    const sideways = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const down = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!sideways && !down) continue;
    scrollers++;
    const where = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${(el.getAttribute('class') || '').trim().split(/\\s+/).join('.')}`;
    if (el.matches(focusable)) {
      if (el.getAttribute('role') === 'region' && !named(el)) found.push(`${where}: a region without a name`);
    } else if (!el.querySelector(focusable)) {
      found.push(`${where}: scrolls ${sideways ? 'sideways' : 'down'} but neither it nor anything in it takes focus`);
    }
  }
  return {scrollers, found};
}"""

SETTINGS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 360, "height": 740}},
    "phone-no-js": {"viewport": {"width": 360, "height": 740}, "java_script_enabled": False},
}


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_every_scrolling_region_takes_keyboard_focus(browser, site_url, pages, setting):
    context = browser.new_context(**SETTINGS[setting])
    problems, scrollers = [], 0
    try:
        page = context.new_page()
        for path in pages:
            page.goto(site_url + path, wait_until="load")
            result = page.evaluate(SCROLLERS_JS)
            scrollers += result["scrollers"]
            problems += [f"{path} ({setting}): {line}" for line in result["found"]]
    finally:
        context.close()
    assert scrollers, "no page has a scrolling region, so nothing was checked"
    expect_none(problems, "scrolling regions a keyboard cannot reach")


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
