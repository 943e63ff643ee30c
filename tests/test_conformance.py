"""The built pages' markup checked by an independent HTML conformance checker, the Nu Html Checker
(npm `vnu-jar`, pinned below, run on Debian's Java; .ci/run installs it into the git-ignored
.cache/ with `npm install --prefix .cache/npm --ignore-scripts vnu-jar@<VNU_VERSION>`).

One Java run checks every page of the local build and of the build for a published address.
Errors fail the test, except the few listed in THEME_MARKUP: markup that Material writes itself,
each shown to be the theme's by finding its exact text in the theme's own template. The head's
feed link is checked here too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import material
import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU_VERSION = "26.9.27"
VNU_PACKAGE = ROOT / ".cache" / "npm" / "node_modules" / "vnu-jar"
VNU_JAR = VNU_PACKAGE / "build" / "dist" / "vnu.jar"
INSTALL = f"npm install --prefix .cache/npm --ignore-scripts vnu-jar@{VNU_VERSION}"
THEME = Path(material.__file__).resolve().parent / "templates"

# (start of the checker's message, theme template, markup quoted in the message's extract, why it stays)
THEME_MARKUP = [
    ("Attribute “autocomplete” is only allowed when the input type is", "base.html",
     '<input class="md-toggle" data-md-toggle="drawer" type="checkbox"',
     "the theme's drawer toggle, a checkbox with autocomplete=off so browsers do not restore it"),
    ("Attribute “autocomplete” is only allowed when the input type is", "base.html",
     '<input class="md-toggle" data-md-toggle="search" type="checkbox"',
     "the theme's search toggle, a checkbox with autocomplete=off so browsers do not restore it"),
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     "partials/toc.html", '<label class="md-nav__title" for="__toc">',
     "the table of contents' title labels the navigation's #__toc toggle, which the theme "
     "(partials/nav-item.html) writes only on pages in the navigation; study and listing pages are "
     "kept out of the navigation on purpose (README, How the site stays light)"),
]

# A page of the project's own kind of markup with a known error, checked in the same run: proof
# that the checker ran on these files and reports what this test is there to catch.
CONTROL = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>control</title></head>'
           '<body><h2 id="gap-map">A</h2><figure id="gap-map"><figcaption>B</figcaption></figure></body></html>')


def _missing(what: str) -> None:
    message = f"the HTML conformance check cannot run: {what}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def vnu_messages(built_site, published_site, tmp_path_factory) -> dict[str, list[dict]]:
    """{file: [error message]} for every page of both builds and the control page."""
    java = shutil.which("java")
    if java is None:
        _missing("no java on PATH (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        _missing(f"{VNU_JAR.relative_to(ROOT)} is missing; install it with `{INSTALL}`")
    installed = json.loads((VNU_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == VNU_VERSION, f"vnu-jar {installed} is installed, {VNU_VERSION} is pinned: `{INSTALL}`"
    control = tmp_path_factory.mktemp("vnu") / "control.html"
    control.write_text(CONTROL, encoding="utf-8")
    files = sorted(built_site.rglob("*.html")) + sorted(published_site.rglob("*.html")) + [control]
    # -XX:TieredStopAtLevel=1: the JVM's quick compiler only, which halves the checker's CPU time on a
    # run this short (same report, byte for byte); that compiler needs a deeper stack than the default.
    result = subprocess.run([java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR), "--errors-only",
                             "--format", "json", "--stdout", *map(str, files)], capture_output=True, text=True, timeout=600)
    assert result.stdout.startswith("{"), result.stderr
    report = json.loads(result.stdout)
    by_file: dict[str, list[dict]] = {str(f): [] for f in files}
    for message in report["messages"]:
        path = re.sub(r"^file:", "", message.get("url", ""))
        by_file.setdefault(path, []).append(message)
    return {"files": by_file, "control": str(control), "built": str(built_site), "published": str(published_site)}


def _theme_reason(message: dict) -> str | None:
    for start, _, markup, reason in THEME_MARKUP:
        if message["message"].startswith(start) and markup in message.get("extract", ""):
            return reason
    return None


def test_theme_markup_exceptions_are_the_themes_own():
    for _, template, markup, _ in THEME_MARKUP:
        assert markup in (THEME / template).read_text(encoding="utf-8"), \
            f"{markup!r} is no longer in Material's {template}: drop its entry from THEME_MARKUP"


# One Java run for both tests: under pytest-xdist they share a worker.
@pytest.mark.xdist_group("vnu")
def test_checker_reports_the_control_page(vnu_messages):
    messages = vnu_messages["files"][vnu_messages["control"]]
    assert any(m["message"].startswith("Duplicate ID “gap-map”") for m in messages), messages


@pytest.mark.xdist_group("vnu")
def test_pages_markup_conforms(vnu_messages):
    problems, exempted = [], set()
    for path, messages in vnu_messages["files"].items():
        if path == vnu_messages["control"]:
            continue
        for m in messages:
            reason = _theme_reason(m)
            if reason:
                exempted.add(reason)
                continue
            where = path.replace(vnu_messages["built"], "local:").replace(vnu_messages["published"], "published:")
            problems.append(f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: {m['type']}: "
                            f"{m['message']} in {' '.join(m.get('extract', '').split())!r}")
    checked = len(vnu_messages["files"]) - 1
    assert checked > 2, "the checker saw almost no pages"
    if problems:
        pytest.fail(f"{len(problems)} HTML conformance errors in {checked} pages:\n" + "\n".join(problems),
                    pytrace=False)
    # Every exception is still needed; one that matches nothing should be removed.
    assert exempted == {reason for *_, reason in THEME_MARKUP}


class _HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))


def _links(page: Path) -> list[dict]:
    parser = _HeadLinks()
    parser.feed(page.read_text(encoding="utf-8").split("</head>")[0])
    return parser.links


@pytest.mark.parametrize("which", ["built_site", "published_site"])
def test_every_page_links_the_atom_feed_without_a_bare_alternate(which, request):
    """Each page's head names the Atom feed (rel has the alternate token and the Atom type, as
    feed readers look for), and no link's rel is exactly "alternate", which Material's script
    selects (link[rel=alternate]) as a language alternate and fetches sitemap.xml for."""
    site: Path = request.getfixturevalue(which)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 2
    for page in pages:
        links = _links(page)
        feeds = [a for a in links if "alternate" in a.get("rel", "").lower().split()
                 and a.get("type") == "application/atom+xml"]
        where = page.relative_to(site)
        assert len(feeds) == 1, f"{where}: {len(feeds)} Atom links"
        href = feeds[0]["href"]
        if which == "published_site":
            assert href.startswith("https://") and href.endswith("/feed.xml"), f"{where}: {href}"
        else:
            target = site / href.lstrip("/") if href.startswith("/") else page.parent / href  # 404: from the root
            assert target.resolve() == (site / "feed.xml").resolve(), f"{where}: {href}"
        assert not [a for a in links if a.get("rel", "").strip().lower() == "alternate"], where


def test_every_code_block_takes_keyboard_focus(built_site):
    """A code block may scroll sideways at some width, so each one takes focus (tabindex="0") and a
    keyboard can scroll it; tests/browser/test_browser_keyboard.py checks the ones that do scroll."""
    blocks = [(page.relative_to(built_site), tag) for page in sorted(built_site.rglob("*.html"))
              for tag in re.findall(r"<pre[^>]*>\s*(?:<span></span>)?(<code[^>]*>)", page.read_text(encoding="utf-8"))]
    assert blocks, "no code block found"
    assert [b for b in blocks if 'tabindex="0"' not in b[1]] == []
