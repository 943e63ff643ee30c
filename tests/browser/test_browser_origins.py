"""No page fetches sitemap.xml or logs an error, whatever the origin it is served from.

Material's script (integrations/alternate in its bundle) takes every `link[rel=alternate]` for a
language or version alternate and fetches sitemap.xml beside it; the feed link would be one, and
where the page's origin differs from SITE_URL, the site's Content-Security-Policy blocks that
request and the console shows an error. The site is built here with SITE_URL set to another host
and served from 127.0.0.1, and also as built for local preview."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PUBLISHED_URL

from .sitecheck import Recorder, discover_pages, expect_none, one_page_per_template, record_visits, single_pages
from .siteserver import serve


def _sitemap_requests(seen: dict[str, Recorder]) -> list[str]:
    return [f"{path}: requested {url}" for path, r in seen.items() for url in r.requests
            if url.split("?")[0].endswith("sitemap.xml")]


@pytest.fixture(scope="module")
def elsewhere(browser, published_site, tmp_path_factory):
    """The site built for another host (SITE_URL), served from 127.0.0.1 under the same path as
    SITE_URL's, as the host would serve it (the 404 page links from that path): one page of each
    template (every single page, and one of each family), since the links the theme's script reads
    and the scripts and styles a page loads are in the page's head and frame, which each template
    writes the same for every member of its family. The light pass loads every page of the local
    build for the same requests and errors."""
    prefix = urlsplit(PUBLISHED_URL).path.strip("/")
    root = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(published_site, root / prefix)
    each = one_page_per_template(discover_pages(published_site), single_pages())
    with serve(root) as base:
        yield record_visits(browser, f"{base}/{prefix}", each)


# Under pytest-xdist the tests of one pass share a worker, so each pass runs once (see test_browser_pages).
ELSEWHERE = pytest.mark.xdist_group("elsewhere")


@ELSEWHERE
def test_no_page_fetches_the_sitemap_when_served_from_another_origin(elsewhere):
    assert len(elsewhere) > 1 and all(r.requests for r in elsewhere.values())
    expect_none(_sitemap_requests(elsewhere), "sitemap.xml requests")


@ELSEWHERE
def test_no_console_error_or_failed_request_from_another_origin(elsewhere):
    expect_none([f"{path}: {p}" for path, r in elsewhere.items() for p in r.problems()],
                "problems on pages served from an origin other than SITE_URL")


@pytest.mark.xdist_group("light")  # shares the light pass over every page
def test_no_page_fetches_the_sitemap_on_the_local_build(light):
    expect_none([f"{r.path}: requested {u}" for r in light.values() for u in r.requests
                 if u.split("?")[0].endswith("sitemap.xml")], "sitemap.xml requests")


def test_the_check_sees_the_theme_fetch_the_sitemap(browser, published_site, tmp_path):
    """Negative control: with the feed link's rel set to plain "alternate", as it was, the theme
    fetches sitemap.xml from the SITE_URL host, and this check sees it."""
    site = Path(shutil.copytree(published_site, tmp_path / "site"))
    index = site / "index.html"
    text = index.read_text(encoding="utf-8")
    assert 'rel="alternate feed"' in text
    index.write_text(text.replace('rel="alternate feed"', 'rel="alternate"'), encoding="utf-8")
    with serve(site) as base:
        seen = record_visits(browser, base, ["/"])
    assert _sitemap_requests(seen), seen["/"].requests
    assert seen["/"].problems(), "a blocked request to SITE_URL's host should be a problem"
