"""The checks a reader's browser proves on every page: axe-core, network, console, links.

Shared by the browser tests (tests/browser/) and scripts/measure_site.py, so the figures the
script reports are the ones the tests hold to.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Collection
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
INSTALL_HINT = "apt-get install chromium"

# Root needs --no-sandbox; the others stop Chromium's own calls home. The resolver rule makes
# every host but the local server unresolvable, so nothing can leave the machine even if a
# request slipped past the route that records and aborts it.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def find_chromium() -> str | None:
    """CHROMIUM_PATH if set (e.g. a hosted CI runner's preinstalled Chrome), else Debian's chromium."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def discover_pages(site_dir: Path) -> list[str]:
    """URL path of every HTML page in the built site: folders as '/x/', other files as '/x.html'."""
    paths = []
    for file in sorted(site_dir.rglob("*.html")):
        rel = file.relative_to(site_dir).as_posix()
        if file.name == "index.html":
            rel = rel[: -len("index.html")]
        paths.append("/" + rel)
    return sorted(paths)


class _StartTags(HTMLParser):
    """What a page's start tags show: element kinds (name, and name with each class) and ids."""

    def __init__(self, html: str):
        super().__init__()
        self.kinds: set[str] = set()
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.kinds.add(tag)
        for name, value in attrs:
            if name == "class" and value:
                self.kinds.update(f"{tag}.{c}" for c in value.split())
            elif name == "id" and value:
                self.ids.add(value)


def element_kinds(html: str) -> set[str]:
    """Every element name, and every element name with one of its classes, in a page."""
    return _StartTags(html).kinds


def single_pages() -> set[str]:
    """Pages made by a template of their own: every page of the registry, and the 404 page."""
    from evidence_site.pages import PAGES

    return {page.url for page in PAGES} | {"/404.html"}


def page_file(site_dir: Path, path: str) -> Path:
    """The built file a URL path serves."""
    return site_dir / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))


def families(paths: list[str], singles: set[str]) -> dict[str, list[str]]:
    """Pages not in singles by family: pages whose address differs only in its last part
    (/studies/<id>/, /figures/<slug>/) share a template and differ by their data."""
    found: dict[str, list[str]] = {}
    for path in paths:
        if path not in singles:
            found.setdefault(path.rstrip("/").rsplit("/", 1)[0], []).append(path)
    return found


def one_page_per_template(paths: list[str], singles: set[str]) -> list[str]:
    """Each page in singles, and the first member of each family: every template once."""
    return sorted([p for p in paths if p in singles] + [members[0] for members in families(paths, singles).values()])


def representative_pages(site_dir: Path, paths: list[str], singles: set[str]) -> list[str]:
    """Pages that together show every kind of element the site has, in every page template.

    Each page in singles (made by its own template) is kept. The rest come in families: pages whose
    address differs only in its last part (/studies/<id>/, /figures/<slug>/) share a template and
    differ by their data, so of each family the pages are chosen, largest first, until every element
    kind (element name, and element name with each class) any member shows is shown by one of them.
    """
    chosen = [p for p in paths if p in singles]
    for members in families(paths, singles).values():
        kinds = {path: element_kinds(page_file(site_dir, path).read_text(encoding="utf-8")) for path in members}
        left = set().union(*kinds.values())
        while left:
            best = max(members, key=lambda p: (len(kinds[p] & left), -members.index(p)))
            chosen.append(best)
            left -= kinds[best]
    return sorted(chosen)


@dataclass
class Recorder:
    """Every request a page makes, and everything that went wrong while loading it."""

    origin: str
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed_status: dict[str, int] = field(default_factory=dict)
    # Requests this recorder saw start: the previous page's late requests (a favicon, say), cut off
    # when the next page is loaded, end while this recorder listens but are not this page's failures.
    in_flight: set = field(default_factory=set)
    _events: int = 0  # requests started or ended so far: settle's sign that a window was not quiet

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or f"{parts.scheme}://{parts.netloc}" == self.origin

    def attach(self, context, page) -> None:
        """Record on page; route every request of the context so non-local ones are aborted."""
        context.route("**/*", self._route)
        self._handlers = [("request", self._request), ("requestfinished", self._finished),
                          ("requestfailed", self._failed), ("response", self._response),
                          ("console", self._console), ("pageerror", self._page_error)]
        for event, handler in self._handlers:
            page.on(event, handler)

    def detach(self, context, page) -> None:
        context.unroute("**/*", self._route)
        for event, handler in self._handlers:
            page.remove_listener(event, handler)

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and not (url in self.allowed_status and "Failed to load resource" in message.text):
            self.console_errors.append(f"{message.text} at {url}")

    def _page_error(self, error) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def _route(self, route) -> None:
        if self.is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def _request(self, request) -> None:
        self._events += 1
        self.in_flight.add(request)
        self.requests.append(request.url)
        if not self.is_local(request.url):
            self.external.append(request.url)

    def _finished(self, request) -> None:
        self._events += 1
        self.in_flight.discard(request)

    def _failed(self, request) -> None:
        self._events += 1
        if request not in self.in_flight:
            return
        self.in_flight.discard(request)
        # net::ERR_ABORTED: the browser itself dropped the request, as it drops the favicon when a
        # click loads the next page before it arrives; no server or policy refused anything.
        # Refusals have their own reasons (ERR_BLOCKED_BY_CLIENT, csp, ERR_CONNECTION_REFUSED, ...).
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url} ({request.failure})")

    def settle(self, page, quiet_ms: int = 100, timeout_ms: int = 10000) -> None:
        """Wait until no request has been in flight for quiet_ms (networkidle waits 500 ms).

        Events reach the recorder only while Playwright waits, so each wait is one quiet window: a
        window that saw a request start or end, or that ends with one in flight, is not quiet and
        another follows. One call per window, not a poll every few milliseconds: each call is a
        round trip to the browser, and polling cost about 0.1 CPU-s a page."""
        waited = 0
        while waited < timeout_ms:
            seen = self._events
            page.wait_for_timeout(quiet_ms)
            waited += quiet_ms
            if not self.in_flight and self._events == seen:
                return

    def _response(self, response) -> None:
        if response.status >= 400 and self.allowed_status.get(response.url) != response.status:
            self.bad_status.append(f"{response.url} -> {response.status}")

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.external]
                + [f"failed request: {u}" for u in self.failed]
                + [f"error status: {u}" for u in self.bad_status]
                + [f"console error: {m}" for m in self.console_errors])


def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now (or those of rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated (here or as an init script) rather than added as a <script>, so it is never
        # a request and the site's Content-Security-Policy does not block it.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """async ([type, values]) => {
            const result = await axe.run(document, {runOnly: {type, values}, resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        ["rule", rules] if rules else ["tag", AXE_TAGS],
    )


def describe_violations(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {n['target']}: {n['summary']}"
            for v in violations for n in v["nodes"]]


def expect_none(problems: list[str], what: str) -> None:
    """Fail the calling test with every problem listed, one a line."""
    if problems:
        import pytest

        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


def page_links(page) -> list[tuple[str, str]]:
    """(href as written, absolute URL) of every link in the page as the reader gets it."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('a[href], area[href]'), a => [a.getAttribute('href'),"
        " new URL(a.getAttribute('href'), document.baseURI).href])")  # SVG links too (their .href is no string)


class LinkChecker:
    """Fetches each internal link target once from the local server and remembers its ids."""

    def __init__(self, origin: str):
        self.origin = origin
        self._cache: dict[str, tuple[int, set[str]]] = {}

    def target(self, url: str) -> tuple[int, set[str]]:
        if url not in self._cache:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    status, body, kind = response.status, response.read(), response.headers.get_content_type()
            except urllib.error.HTTPError as error:
                status, body, kind = error.code, b"", ""
            ids = _StartTags(body.decode("utf-8", "replace")).ids if kind == "text/html" else set()
            self._cache[url] = (status, ids)
        return self._cache[url]

    def broken(self, page_url: str, links: list[tuple[str, str]]) -> list[str]:
        problems = []
        for written, absolute in links:
            if urlsplit(absolute).scheme in ("http", "https") and not absolute.startswith(self.origin + "/"):
                continue  # another site's address: shown to the reader, never fetched here
            if urlsplit(absolute).scheme not in ("http", "https"):
                continue  # mailto:, tel: and the like
            url, fragment = urldefrag(absolute)
            status, ids = self.target(url)
            if status != 200:
                problems.append(f"{page_url}: link {written!r} leads to status {status}")
            elif fragment and unquote(fragment) not in ids:
                problems.append(f"{page_url}: link {written!r}: no element has id {unquote(fragment)!r}")
        return problems


@dataclass
class PageReport:
    path: str
    scheme: str
    violations: list[dict]
    network: list[str]
    broken_links: list[str]
    requests: list[str]
    numbers_text: str
    overflow: int  # how many px the page is wider than the window (0: no horizontal scroll)
    links: list[tuple[str, str]]
    contrast: dict | None = None  # CONTRAST_JS's result: {checked, found}, when asked for
    scrollers: dict | None = None  # SCROLLERS_JS's result: {scrollers, found}, when asked for
    dark: PageReport | None = None  # the same page in the dark palette, when asked for (check_page)
    phone: PageReport | None = None  # the same page at phone width, when asked for (check_page)
    # How the page came to be as checked: "load" (opened so), "toggle" (the reader clicked the palette
    # toggle after it opened) or "resize" (the window narrowed after it opened).
    reached_by: str = "load"
    layout: list[str] | None = None  # LAYOUT_JS's result, for pages checked after a resize
    screenshot: bytes | None = None  # the whole page as a PNG, when asked for (check_page)


ARTICLE_TEXT_JS = """() => {
    const article = document.querySelector('article') || document.body;
    const copy = article.cloneNode(true);
    copy.querySelectorAll('#study-filters, script, style').forEach(e => e.remove());
    return copy.textContent;
}"""


# Text contrast, computed for every visible text (HTML and SVG) as the browser paints it: see
# test_browser_contrast.py for why axe-core's own contrast rule is not enough.
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

# Every region that scrolls must take keyboard focus or hold something that does: see
# test_browser_keyboard.py.
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

# Colour transitions (the theme's are 125-250 ms) still running: the palette is not painted yet.
TRANSITIONS_DONE_JS = """() => document.getAnimations().every(a => a.playState !== 'running'
                                                           || a.effect.getComputedTiming().endTime === Infinity)"""
# The id of the palette option whose media query names the scheme (Material's toggle inputs), if any.
PALETTE_OPTION_JS = """scheme => { const o = document.querySelector(
    `input.md-option[data-md-color-media*="prefers-color-scheme: ${scheme}"]`); return o ? o.id : null; }"""
SCHEME_JS = "document.body.getAttribute('data-md-color-scheme')"
OVERFLOW_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Every visible element's place, size and display: what a reader sees laid out at this width.
LAYOUT_JS = """() => Array.from(document.querySelectorAll('*'))
  .filter(e => e.checkVisibility({opacityProperty: true, visibilityProperty: true}))
  .map(e => { const b = e.getBoundingClientRect();
              return `${e.tagName.toLowerCase()}#${e.id}.${e.getAttribute('class') || ''} `
                     + `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)} `
                     + getComputedStyle(e).display; })"""
SETTLED_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def switch_palette(page, scheme: str) -> bool:
    """Switch the loaded page to scheme ('dark' or 'light') as a reader does, by clicking the theme's
    palette toggle, and wait until its colour transitions are over. False where the page shows no
    toggle (the embeddable figure pages follow the reader's setting only)."""
    option = page.evaluate(PALETTE_OPTION_JS, scheme)
    toggle = page.locator(f'label[for="{option}"]') if option else None
    if toggle is None or not toggle.is_visible():
        return False
    before = page.evaluate(SCHEME_JS)
    toggle.click()
    page.wait_for_function(f"() => {SCHEME_JS} !== {before!r}")
    page.wait_for_function(TRANSITIONS_DONE_JS)
    return True


def resize(page, viewport: dict) -> None:
    """Narrow or widen the window, and wait until the page has laid itself out again."""
    page.set_viewport_size(viewport)
    page.evaluate(SETTLED_JS)
    page.wait_for_function(TRANSITIONS_DONE_JS)


def check_page(page, base: str, path: str, links: LinkChecker | None = None, *, contrast: bool = False,
               keyboard: bool = False, dark: bool = False, phone: dict | None = None,
               screenshot: bool = False) -> PageReport:
    """Load path in page (whose context is not yet routed) and run every per-page check on it;
    contrast and keyboard add those checks in the same load. dark: then switch the page to the
    dark palette with its toggle, as a reader does, run axe and the contrast check again (the
    report's .dark), and switch back, so the next page opens light; a page without a toggle gets
    no .dark (visit_all loads it again with the reader's setting dark). phone (a viewport): then
    narrow the window to it and run axe, the sideways-scroll and keyboard checks there (the
    report's .phone, with its layout), and widen it again. screenshot: the whole page as a PNG in
    each report (the light one, and the phone one if asked for)."""
    recorder = Recorder(base)
    recorder.attach(page.context, page)
    try:
        page.goto(base + path, wait_until="load")
        recorder.settle(page)
        scheme = page.evaluate(SCHEME_JS)
        violations = run_axe(page)
        found = page_links(page)
        broken = links.broken(path, found) if links else []
        text = page.evaluate(ARTICLE_TEXT_JS)
        overflow = page.evaluate(OVERFLOW_JS)
        contrasts = page.evaluate(CONTRAST_JS) if contrast else None
        scrollers = page.evaluate(SCROLLERS_JS) if keyboard else None
        shot = page.screenshot(full_page=True) if screenshot else None
        in_dark = narrow = None
        if dark and switch_palette(page, "dark"):
            in_dark = (page.evaluate(SCHEME_JS), run_axe(page), page.evaluate(CONTRAST_JS) if contrast else None)
            assert switch_palette(page, "light"), f"{path}: the palette toggle did not switch back to light"
        if phone:
            wide = page.viewport_size
            resize(page, phone)
            narrow = (page.evaluate(SCHEME_JS), run_axe(page), page.evaluate(OVERFLOW_JS),
                      page.evaluate(SCROLLERS_JS) if keyboard else None, page.evaluate(LAYOUT_JS),
                      page.screenshot(full_page=True) if screenshot else None)
            resize(page, wide)
    finally:
        recorder.detach(page.context, page)
    report = PageReport(path, scheme, violations, recorder.problems(), broken, recorder.requests, text, overflow,
                        found, contrasts, scrollers, screenshot=shot)
    if in_dark:
        dark_scheme, dark_violations, dark_contrasts = in_dark
        # The same load: its requests and problems (any made after the switch included) are the dark view's too.
        report.dark = PageReport(path, dark_scheme, dark_violations, report.network, [], report.requests, text,
                                 overflow, [], dark_contrasts, reached_by="toggle")
    if narrow:
        phone_scheme, phone_violations, phone_overflow, phone_scrollers, layout, phone_shot = narrow
        report.phone = PageReport(path, phone_scheme, phone_violations, report.network, [], report.requests, text,
                                  phone_overflow, [], None, phone_scrollers, reached_by="resize", layout=layout,
                                  screenshot=phone_shot)
    return report


def record_visits(browser, base: str, paths: list[str], *, fresh: bool = False) -> dict[str, Recorder]:
    """Every request each page makes, and what went wrong, loading it from base (which may end in a
    path prefix). fresh: each page in a new context, as on a reader's first visit; otherwise one
    context serves all the pages."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    seen = {}
    context = None
    try:
        for path in paths:
            if context is None:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
            recorder = seen[path] = Recorder(origin)
            recorder.attach(context, page)
            try:
                page.goto(base + path, wait_until="load")
                recorder.settle(page)
            finally:
                recorder.detach(context, page)
            if fresh:
                context.close()
                context = None
    finally:
        if context is not None:
            context.close()
    return seen


def visit_all(browser, base: str, paths: list[str], *, color_scheme: str = "light", viewport: dict | None = None,
              links: LinkChecker | None = None, cold: bool = False, contrast: bool = False,
              keyboard: bool = False, dark: Collection[str] = (), phone: dict | None = None,
              narrow: Collection[str] = (), screenshots: Collection[str] = ()) -> dict[str, PageReport]:
    """Check every path, each page loaded once for all the checks asked for. One context serves
    all the pages unless cold (a fresh context for each page, as a first-time reader). Either way
    every request a page makes is seen: the recorder routes every request, and Playwright turns
    the browser's cache off while a route is set (test_browser_pages proves the two agree).

    dark: paths also checked in the dark palette (each report's .dark), switched in the same load
    by the page's toggle; a page without a toggle is loaded again with the reader's setting dark.
    narrow: paths also checked at the phone viewport (each report's .phone), in the same load.
    screenshots: paths whose reports carry a picture of the whole page."""
    options = {"color_scheme": color_scheme, "viewport": viewport or {"width": 1280, "height": 900}}
    reports = {}
    context = None
    try:
        for path in paths:
            if context is None:
                context = browser.new_context(**options)
                if not cold:  # one transfer of axe-core for all the pages
                    context.add_init_script(AXE_JS.read_text(encoding="utf-8"))
                page = context.new_page()
            reports[path] = check_page(page, base, path, links, contrast=contrast, keyboard=keyboard,
                                       dark=path in dark, phone=phone if path in narrow else None,
                                       screenshot=path in screenshots)
            if cold:
                context.close()
                context = None
    finally:
        if context is not None:
            context.close()
    untoggled = [path for path in paths if path in dark and reports[path].dark is None]
    if untoggled:
        for path, report in visit_all(browser, base, untoggled, color_scheme="dark", viewport=viewport, cold=cold,
                                      contrast=contrast).items():
            reports[path].dark = report
    return reports
