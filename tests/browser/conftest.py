"""Browser fixtures: the built site served on 127.0.0.1, one headless Chromium for the session.

Chromium is Debian's (`apt-get install chromium`), driven by Playwright through executable_path;
`playwright install` is never needed. Without a browser these tests skip with a loud reason, and
fail instead when the environment variable CI is set, so they can never silently skip in CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import sitecheck
from .siteserver import serve

MISSING: list[str] = []


def _unavailable(reason: str):
    message = f"browser tests cannot run: {reason}. Install Debian's browser with `{sitecheck.INSTALL_HINT}`."
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this fails instead of skipping)", pytrace=False)
    if not MISSING:
        MISSING.append(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = sitecheck.find_chromium()
    if path is None:
        _unavailable("no chromium on PATH")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is missing (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = sitecheck.launch(playwright, chromium_path)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    with serve(built_site) as base:
        yield base


@pytest.fixture(scope="session")
def pages(built_site: Path) -> list[str]:
    return sitecheck.discover_pages(built_site)


@pytest.fixture(scope="session")
def sample(built_site: Path, pages) -> list[str]:
    """Every single page, and of each family of pages (studies, lists, figures) the members that
    together show every kind of element the family has (sitecheck.representative_pages)."""
    return sitecheck.representative_pages(built_site, pages, sitecheck.single_pages())


PHONE = {"width": 360, "height": 740}


# Passes over the site; the tests read these. The light pass loads every page once for all of its
# checks, and on the sample (every template, every kind of element) goes on in the same load to the
# dark palette and to phone width; the pass without JavaScript loads every page again. Under
# pytest-xdist the tests of a pass share a worker (their xdist_group), so a pass runs once per run;
# the dark and phone tests are in the light pass's group.
@pytest.fixture(scope="session")
def light(browser, site_url, pages, sample):
    """Desktop, light palette: axe, network, links and anchors, text contrast, keyboard scrolling;
    on the sample, then the dark palette and phone width in the same load (see dark and phone)."""
    links = sitecheck.LinkChecker(site_url)
    return sitecheck.visit_all(browser, site_url, pages, links=links, contrast=True, keyboard=True, dark=sample,
                               phone=PHONE, narrow=sample, screenshots=screenshot_pages(pages, sample))


def screenshot_pages(pages, sample) -> list[str]:
    """The pages photographed for a person to look at (test_browser_screenshots): /, /findings/,
    /studies/ and a study page, each in the sample, so it is also seen at phone width."""
    study = next(p for p in sample if p.startswith("/studies/") and p.count("/") == 3)
    return ["/", "/findings/", "/studies/", study]


@pytest.fixture(scope="session")
def dark(light) -> dict:
    """Desktop, dark palette, on the sample: axe, network, text contrast. Each page is switched to
    dark by its palette toggle, as a reader does, once the light checks are done (the colours of
    every visible element are then those of a page opened dark: measured on every page of the
    sample); the embeddable figure pages, which have no toggle, are opened with the reader's
    setting dark (prefers-color-scheme), so both ways to the dark palette are checked."""
    return {path: report.dark for path, report in light.items() if report.dark is not None}


@pytest.fixture(scope="session")
def phone(light) -> dict:
    """360 px wide, on the sample: axe, network, sideways scrolling, keyboard scrolling. Each page
    is narrowed to 360 px once the desktop checks are done: the place and size of every visible
    element, axe's results and the other checks were measured the same as on a page opened at
    360 px, on every page of the sample, and test_browser_pages keeps comparing the two."""
    return {path: report.phone for path, report in light.items() if report.phone is not None}


@pytest.fixture(scope="session")
def no_script(browser, site_url, pages) -> dict[str, dict]:
    """360 px wide with JavaScript off, every page: its article's text and the keyboard check."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    seen = {}
    try:
        page = context.new_page()
        for path in pages:
            page.goto(site_url + path, wait_until="load")
            seen[path] = {"text": page.evaluate(sitecheck.ARTICLE_TEXT_JS), "scrollers": page.evaluate(sitecheck.SCROLLERS_JS)}
    finally:
        context.close()
    return seen


@pytest.fixture
def page(browser, site_url):
    """A fresh desktop page whose every request, failure and console error is recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.recorder = sitecheck.Recorder(site_url)
    page.recorder.attach(context, page)
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter):
    for message in MISSING:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)
