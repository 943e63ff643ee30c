"""The site does not depend on one engine: the real project built by MkDocs and by ProperDocs (the
maintained MkDocs 1.6 fork) gives the same pages, the same content and the same downloads.

Both builds run each engine's own command line on the project's mkdocs.yml, exactly as CI and a
maintainer would (`mkdocs build --strict`, `properdocs build --strict`), so whatever mkdocs.yml
configures (hooks by file path, or plugins found through the `mkdocs.plugins` entry points, which
ProperDocs reads as well as its own `properdocs.plugins`) is what gets tested.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("mkdocs", "properdocs")
# The one line each engine writes differently: <meta name="generator" content="mkdocs-1.6.1, ...">
# from MkDocs, "mkdocs-ProperDocs 1.6.7, ..." from ProperDocs.
GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')
MAIN = re.compile(r'<article class="md-content__inner[^"]*">.*?</article>', re.S)
HEAD = re.compile(r"<head>.*?</head>", re.S)
# One worker runs every test here (pytest.ini: --dist loadgroup), so each engine builds once.
pytestmark = pytest.mark.xdist_group("engines")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The real project built by each engine into its own temporary folder, as for deployment."""
    env = {
        **os.environ,
        "SITE_URL": "https://evidence.example.org/",  # canonical links, card URLs, sitemap entries
        # One clock reading for both builds, so their sitemap dates agree even across midnight
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", str(int(time.time()))),
        "NO_MKDOCS_2_WARNING": "1",  # the theme's and mkdocs-redirects' notices about MkDocs 2.0
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    out = tmp_path_factory.mktemp("engines")
    sites = {}
    for engine in ENGINES:
        sites[engine] = out / engine
        command = [sys.executable, "-m", engine, "build", "--strict", "-f", "mkdocs.yml", "-d", str(sites[engine])]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"{engine} build --strict failed:\n{run.stderr[-4000:]}"
    return sites


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def html_pages(site: Path) -> list[str]:
    return sorted(name for name in files(site) if name.endswith(".html"))


def test_the_same_files(builds):
    mkdocs, properdocs = (files(builds[engine]) for engine in ENGINES)
    assert mkdocs == properdocs, (f"only MkDocs wrote {sorted(mkdocs - properdocs)}; "
                                  f"only ProperDocs wrote {sorted(properdocs - mkdocs)}")
    studies = sorted(p.stem for p in (ROOT / "studies").glob("*.yml"))
    assert {"index.html", "404.html", *(f"studies/{s}/index.html" for s in studies)} <= mkdocs


def main_content(page: Path) -> str | None:
    found = MAIN.search(page.read_text(encoding="utf-8"))
    return found.group() if found else None


def test_every_page_has_the_same_main_content(builds):
    pages = html_pages(builds["mkdocs"])
    differ = [name for name in pages if len({main_content(builds[e] / name) for e in ENGINES}) > 1]
    assert not differ, f"the main content (<article>) differs between the engines on {differ}"
    # Every page but a redirect stub (mkdocs-redirects) has one, so the comparison compared something.
    empty = [name for name in pages if main_content(builds["mkdocs"] / name) is None
             and 'http-equiv="refresh"' not in (builds["mkdocs"] / name).read_text(encoding="utf-8")]
    assert not empty, f"no main content (<article>) on {empty}"


def test_every_page_has_the_same_head(builds):
    """Descriptions, sharing and scholarly tags, canonical links and the Content-Security-Policy
    reach every page whichever engine builds it; only the generator tag names the engine."""
    differ = []
    for name in html_pages(builds["mkdocs"]):
        heads = [GENERATOR.sub("", HEAD.search((builds[e] / name).read_text(encoding="utf-8")).group())
                 for e in ENGINES]
        if heads[0] != heads[1]:
            differ.append(name)
    assert not differ, f"<head> differs between the engines on {differ}"
    home = (builds["properdocs"] / "index.html").read_text(encoding="utf-8")
    assert "mkdocs-ProperDocs" in GENERATOR.search(home).group()  # it really was the other engine
    assert 'http-equiv="Content-Security-Policy"' in home and 'rel="canonical"' in home


def test_whole_pages_differ_only_in_the_generator_tag(builds):
    differ = [name for name in html_pages(builds["mkdocs"])
              if len({GENERATOR.sub("", (builds[e] / name).read_text(encoding="utf-8")) for e in ENGINES}) > 1]
    assert not differ, f"navigation, header or footer differs between the engines on {differ}"


def test_downloads_feed_cards_and_search_index_are_byte_identical(builds):
    others = sorted(name for name in files(builds["mkdocs"]) if not name.endswith(".html"))
    assert any(name.startswith("data/") for name in others) and "feed.xml" in others
    differ = [name for name in others
              if (builds["mkdocs"] / name).read_bytes() != (builds["properdocs"] / name).read_bytes()]
    assert not differ, f"these files differ between the engines: {differ}"
