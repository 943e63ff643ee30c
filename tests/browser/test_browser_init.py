"""The site of a review started with `init` passes the browser suite's checks: axe-core WCAG 2.2
AA, no broken link or anchor, no request to another host, on every page (see tests/test_init.py
for how the new project is written, filled with made-up values and built)."""

from __future__ import annotations

from test_init import built_new, new_project  # noqa: F401  (module fixtures: the project, then its site)

from . import sitecheck
from .siteserver import serve


def test_new_project_site_passes_axe_and_link_checks_on_every_page(built_new, browser):  # noqa: F811
    paths = sitecheck.discover_pages(built_new)
    assert {"/", "/studies/", "/findings/", "/404.html"} <= set(paths)
    with serve(built_new) as base:
        reports = sitecheck.visit_all(browser, base, paths, links=sitecheck.LinkChecker(base))
    sitecheck.expect_none([f"{r.path}: {line}" for r in reports.values()
                           for line in sitecheck.describe_violations(r.violations)], "axe violations")
    sitecheck.expect_none([line for r in reports.values() for line in r.broken_links], "broken links")
    sitecheck.expect_none([f"{r.path}: {p}" for r in reports.values() for p in r.network], "network problems")
    assert sum(len(r.links) for r in reports.values()) > len(reports), "the link check saw no links"
    assert all(u.startswith(base + "/") for r in reports.values() for u in r.requests)
