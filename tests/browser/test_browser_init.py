"""The site of a review started with `init` passes the browser suite's checks: axe-core WCAG 2.2
AA, no broken link or anchor, no request to another host (see tests/test_init.py for how the new
project is written, filled with made-up values and built).

The pages checked are its representative sample, as for the dark and phone passes over the real
site (sitecheck.representative_pages): every page made by its own template, and of each family
of pages (studies, lists, figures) the members that together show every kind of element the
family shows. Its templates are the real site's, which the light pass checks page by page."""

from __future__ import annotations

from test_init import built_new, new_project  # noqa: F401  (module fixtures: the project, then its site)

from . import sitecheck
from .siteserver import serve


def test_new_project_site_passes_axe_and_link_checks(built_new, browser):  # noqa: F811
    every = sitecheck.discover_pages(built_new)
    paths = sitecheck.representative_pages(built_new, every, sitecheck.single_pages())
    assert {"/", "/studies/", "/findings/", "/404.html"} <= set(paths)
    with serve(built_new) as base:
        reports = sitecheck.visit_all(browser, base, paths, links=sitecheck.LinkChecker(base))
    sitecheck.expect_none([f"{r.path}: {line}" for r in reports.values()
                           for line in sitecheck.describe_violations(r.violations)], "axe violations")
    sitecheck.expect_none([line for r in reports.values() for line in r.broken_links], "broken links")
    sitecheck.expect_none([f"{r.path}: {p}" for r in reports.values() for p in r.network], "network problems")
    assert sum(len(r.links) for r in reports.values()) > len(reports), "the link check saw no links"
    assert all(u.startswith(base + "/") for r in reports.values() for u in r.requests)
