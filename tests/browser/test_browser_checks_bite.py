"""The page checks catch what they are for: a copy of the project is built, a broken link, an
anchor no element has, an image without alt text and a script from another host are put into one
built page, and the same checks the suite runs on every page must report each of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_project  # tests/conftest.py

from . import sitecheck
from .siteserver import serve

ROOT = Path(__file__).resolve().parents[2]
PAGE = "/methods/"
FOREIGN_SCRIPT = "https://cdn.example.com/x.js"
INJECTED = f"""
<p><a href="../no-such-page/">a page that is not there</a>
<a href="#no-such-anchor">a place no element is</a></p>
<p><img src="../assets/images/favicon.png" width="16" height="16"></p>
<script src="{FOREIGN_SCRIPT}"></script>
"""


@pytest.fixture(scope="module")
def broken_report(browser, tmp_path_factory):
    from evidence_site.build import build

    root = copy_project(tmp_path_factory.mktemp("broken") / "project")
    site = build(root, root / "site")
    target = site / PAGE.strip("/") / "index.html"
    html = target.read_text(encoding="utf-8")
    assert "</article>" in html
    target.write_text(html.replace("</article>", INJECTED + "</article>", 1), encoding="utf-8")
    with serve(site) as base:
        return sitecheck.visit_all(browser, base, [PAGE], links=sitecheck.LinkChecker(base), cold=True)[PAGE]


@pytest.mark.xdist_group("light")  # shares the light pass over every page
def test_the_untouched_page_has_none_of_these_problems(light):
    clean = light[PAGE]
    assert not [v for v in clean.violations if v["id"] == "image-alt"]
    assert not [line for line in clean.broken_links if "no-such" in line]
    assert not [line for line in clean.network if "cdn.example.com" in line]


def test_a_broken_link_is_reported(broken_report):
    assert any("'../no-such-page/' leads to status 404" in line for line in broken_report.broken_links), \
        broken_report.broken_links


def test_an_anchor_no_element_has_is_reported(broken_report):
    assert any("no element has id 'no-such-anchor'" in line for line in broken_report.broken_links), \
        broken_report.broken_links


def test_an_image_without_alt_text_is_reported(broken_report):
    image_alt = [v for v in broken_report.violations if v["id"] == "image-alt"]
    assert image_alt and any("favicon.png" in n["target"] or "img" in n["target"] for n in image_alt[0]["nodes"])


def test_a_script_from_another_host_is_caught_and_never_fetched(broken_report):
    assert f"request to another host: {FOREIGN_SCRIPT}" in broken_report.network
    # The attempt was stopped inside the browser (by the page's Content-Security-Policy, or else by
    # the recorder's route), so nothing left the machine.
    assert any(line.startswith(f"failed request: {FOREIGN_SCRIPT}") and ("ERR_BLOCKED_BY_CLIENT" in line or "(csp)" in line)
               for line in broken_report.network), broken_report.network
