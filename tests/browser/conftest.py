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


PHONE = {"width": 360, "height": 740}


# Every page of the site checked once per setting for the whole session; the tests read these.
# The light pass loads each page cold, in its own context, so every request a page makes is seen.
@pytest.fixture(scope="session")
def light(browser, site_url, pages):
    links = sitecheck.LinkChecker(site_url)
    return sitecheck.visit_all(browser, site_url, pages, links=links, cold=True)


@pytest.fixture(scope="session")
def dark(browser, site_url, pages):
    return sitecheck.visit_all(browser, site_url, pages, color_scheme="dark")


@pytest.fixture(scope="session")
def phone(browser, site_url, pages):
    return sitecheck.visit_all(browser, site_url, pages, viewport=PHONE)


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
