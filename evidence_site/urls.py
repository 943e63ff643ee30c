"""URL stability: every address in published-urls.txt must still resolve in a new build.

A published address is a page (/findings/), a file (/data/studies.csv) or an anchor on a page
(/findings/#type-abstinence). If a page moves, map its old path in mkdocs.yml under the
`redirects` plugin; a redirect page counts as resolving (its anchors go with it).
"""

from __future__ import annotations

import re
from pathlib import Path

from .problems import Problem

PUBLISHED = "published-urls.txt"

_ID = re.compile(r"""\sid=["']?([^"'\s>]+)""")
STABLE_ANCHOR = re.compile(r"^(overall|type-|outcome-|quality-|press-|caveat-|completeness|summary|key-findings)")


def read_published(path: Path) -> list[tuple[int, str]]:
    """(line number, address) for each address in the file; blank lines and # comments are skipped."""
    if not path.exists():
        return []
    lines = enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    return [(number, line.strip()) for number, line in lines if line.strip() and not line.strip().startswith("#")]


def _page_file(site_dir: Path, path: str) -> Path:
    target = site_dir / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def broken(site_dir: Path, published: list[tuple[int, str]]) -> list[Problem]:
    """The published addresses that a built site no longer serves, each with the reason."""
    problems, cache = [], {}
    for number, url in published:
        path, _, anchor = url.partition("#")
        page = _page_file(site_dir, path)
        if not page.is_file():
            problems.append(Problem(PUBLISHED, number, 1, url,
                                    f"the page is gone; restore it, or redirect '{path.strip('/')}/index.md' to its "
                                    "new page in mkdocs.yml (plugins: redirects: redirect_maps)", "url-dropped"))
            continue
        if anchor:
            html = cache.setdefault(page, page.read_text(encoding="utf-8", errors="replace"))
            if 'http-equiv="refresh"' not in html and anchor not in set(_ID.findall(html)):
                problems.append(Problem(PUBLISHED, number, 1, url,
                                        f"no element has id '{anchor}' any more; anchors come from data keys, so "
                                        "restore the key, or redirect the page", "url-dropped"))
    return problems


def current(site_dir: Path) -> list[str]:
    """Every page, download and stable finding anchor of a built site, for published-urls.txt."""
    urls = []
    for page in sorted(site_dir.rglob("*")):
        rel = page.relative_to(site_dir).as_posix()
        if rel.startswith(("assets/", "search/")) or rel in ("404.html", "sitemap.xml", "sitemap.xml.gz"):
            continue
        if page.name == "index.html":
            html = page.read_text(encoding="utf-8")
            if 'http-equiv="refresh"' in html:
                continue
            url = "/" + rel.removesuffix("index.html")
            urls.append(url)
            urls += [f"{url}#{anchor}" for anchor in sorted(set(_ID.findall(html))) if STABLE_ANCHOR.match(anchor)]
        elif rel.startswith("data/"):
            urls.append("/" + rel)
    return urls
