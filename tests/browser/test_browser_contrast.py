"""Text contrast measured in the browser on every page, in both palettes, for every piece of text
a reader can see, HTML and SVG alike: WCAG 2.2 AA's 4.5:1 (3:1 for large text). axe-core checks
contrast too, but leaves out text it cannot place (in sideways-scrolling boxes and in SVG), which
is where the coloured effect labels are; this check computes every colour itself, semi-transparent
text and backgrounds composited as the browser paints them."""

from __future__ import annotations

import pytest

from .sitecheck import expect_none

CONTRAST_JS = """() => {
  const rgba = s => {
    const m = /rgba?\\(([^)]+)\\)/.exec(s || '');
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = over(rgba(getComputedStyle(document.body).backgroundColor) || [255, 255, 255, 1], [255, 255, 255, 1]);
  const background = el => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== 'none' && !e.closest('svg')) return null;  // an image or gradient: not decidable here
      const c = rgba(style.backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((below, top) => over(top, below), page);
  };
  const shown = el => {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;
  };
  const opacity = el => { let o = 1; for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!own || !shown(el) || el.closest('noscript, script, style')) continue;
    const style = getComputedStyle(el);
    const svg = el instanceof SVGElement;
    let fg = rgba(svg ? style.fill : style.color);
    if (!fg) continue;
    fg = [...fg.slice(0, 3), fg[3] * (svg ? Number(style.fillOpacity) : 1) * opacity(el)];
    const bg = background(el);
    if (!bg) continue;
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const got = ratio(over(fg, bg), bg);
    if (got < needed) {
      found.push(`${el.tagName.toLowerCase()}.${(el.getAttribute('class') || '').trim().replace(/\\s+/g, '.')} "${own.slice(0, 40)}": `
                 + `${got.toFixed(2)}:1, needs ${needed}:1 (text ${style.color}${svg ? ' fill ' + style.fill : ''})`);
    }
  }
  return {checked: document.body.querySelectorAll('*').length, found};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_has_enough_contrast(browser, site_url, pages, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    problems, checked = [], 0
    try:
        page = context.new_page()
        for path in pages:
            page.goto(site_url + path, wait_until="load")
            result = page.evaluate(CONTRAST_JS)
            checked += result["checked"]
            problems += [f"{path} ({scheme}): {line}" for line in result["found"]]
    finally:
        context.close()
    assert checked > len(pages) * 50, "the contrast check saw almost no elements"
    expect_none(problems, f"texts below the WCAG AA contrast in the {scheme} palette")


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
