"""`build_site.py serve` on a data error: the browser gets the problems, the next good save the site."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from html import unescape

import pytest

from test_added_study import add_made_up_study, no_room_for_one_more

TYPO = ("  type: abstinence\n", "  type: abstinenc\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_until(url: str, wanted, timeout: float = 90) -> str:
    deadline, text = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            text = unescape(urllib.request.urlopen(url, timeout=5).read().decode("utf-8"))
        except OSError:
            text = ""
        if text and wanted(text):
            return text
        time.sleep(0.5)
    pytest.fail(f"{url} never showed what was expected; last response began: {text[:300]!r}")


def test_serve_shows_data_problems_in_the_browser_until_fixed(project):
    study = project / "studies/brown-2020.yml"
    good = study.read_text(encoding="utf-8")
    study.write_text(good.replace(*TYPO), encoding="utf-8")
    check = subprocess.run([sys.executable, "build_site.py", "check"], cwd=project, capture_output=True, text=True)
    problem_lines = check.stderr.splitlines()
    assert check.returncode == 1 and problem_lines[0].startswith("studies/brown-2020.yml:")
    port = free_port()
    server = subprocess.Popen([sys.executable, "build_site.py", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        page = fetch_until(base + "findings/", lambda t: 'class="problems"' in t)
        for line in problem_lines:  # the same lines check prints
            assert line in page
        study.write_text(good, encoding="utf-8")  # the next good save replaces the problems with the site
        fetch_until(base + "studies/brown-2020/", lambda t: 'class="problems"' not in t and "Brown and Kuss" in t)
        study.write_text(good.replace(*TYPO), encoding="utf-8")  # a page of the last good build shows them too
        fetch_until(base + "studies/brown-2020/", lambda t: 'class="problems"' in t)
        study.write_text(good, encoding="utf-8")
        fetch_until(base, lambda t: 'class="problems"' not in t and "Key messages" in t)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    for line in problem_lines:
        assert line in err.splitlines()  # the terminal shows them as they are
    assert "not included in the" not in err  # study pages are kept out of the nav on purpose: no line each
    assert "Building documentation" in err  # the other info lines stay


# --- serve's rebuilds keep what did not change (evidence_site/kept.py) ------------------------------

def tree(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class ServeSession:
    """mkdocs serve's builds, in this process: its one plugin instance (MkDocs keeps a plugin with
    on_startup for the process), a freshly loaded mkdocs.yml for each rebuild, one site folder. The
    full builds between rebuilds share that instance and tell it they are builds, so each rebuild
    tells it again that it is serving."""

    def __init__(self, project, site, plugins: list):
        """plugins: the instance is appended to it as soon as it exists, so a caller can end the
        session (on_shutdown) even if this first build fails."""
        from mkdocs.config import load_config

        self.project, self.site, self.load = project, site, load_config
        self.plugin = self.config().plugins["evidence-site"]
        plugins.append(self.plugin)
        self.build()

    def config(self):
        config = self.load(str(self.project / "mkdocs.yml"))
        config.site_dir = str(self.site)
        return config

    def build(self) -> dict[str, int]:
        from mkdocs.commands.build import build

        config = self.config()
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        return dict(self.plugin.kept.hits)


def full_build(project, site) -> dict[str, bytes]:
    """What `build_site.py build` makes of the same files (a build, not a serve: nothing kept)."""
    from evidence_site.build import build

    return tree(build(project, site))


def edit_study(path, field: str, value: str) -> None:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[field] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_serve_rebuilds_only_what_changed_and_matches_a_full_build(project, tmp_path, monkeypatch):
    # One date for the sitemap of every build here (build_site.py would set it from the data, serve not).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time())))
    plugins = []
    try:
        session = ServeSession(project, tmp_path / "serve", plugins)
        kept_pages = len(session.plugin.kept.output)
        assert kept_pages > len(list((project / "studies").glob("*.yml")))  # every study page, and more
        assert session.build() == {"converted": kept_pages, "printed": kept_pages}  # nothing changed
        assert tree(session.site) == full_build(project, tmp_path / "full-0")

        # One study edited: its page and the pages that list it are themed again, nothing else.
        study = sorted((project / "studies").glob("*.yml"))[0]
        edit_study(study, "design", "Edited by the test: a design described in other words")
        hits = session.build()
        assert 0 < hits["printed"] < kept_pages
        served = tree(session.site)
        assert "Edited by the test" in served[f"studies/{study.stem}/index.html"].decode()
        assert served == full_build(project, tmp_path / "full-1")

        # A template edited: every page is themed again (the kept pages' key covers overrides/).
        main = project / "overrides" / "main.html"
        main.write_text(main.read_text(encoding="utf-8") + "{# edited by the test #}\n", encoding="utf-8")
        assert session.build()["printed"] == 0
        assert tree(session.site) == full_build(project, tmp_path / "full-2")

        # mkdocs.yml edited (a Markdown setting every page's anchors use): every page is converted
        # and themed again, so no page keeps the old permalinks' title.
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "permalink_title: Link to this section", "permalink_title: Edited by the test"), encoding="utf-8")
        assert session.build() == {"converted": 0, "printed": 0}
        served = tree(session.site)
        assert 'title="Edited by the test"' in served[f"studies/{study.stem}/index.html"].decode()
        assert served == full_build(project, tmp_path / "full-3")

        # A study added: the set of pages changed, so nothing kept is used.
        added, tried = add_made_up_study(project)
        if added is None:
            no_room_for_one_more(tried)
        assert session.build() == {"converted": 0, "printed": 0}
        assert tree(session.site) == full_build(project, tmp_path / "full-4")
    finally:
        for plugin in plugins:  # as mkdocs serve ends: later builds in this process are builds
            plugin.on_shutdown()


def test_kept_html_is_never_printed_beside_a_newer_conversion():
    """A serve build that converts a page and then fails before printing it leaves the page's
    conversion (its headings, anchors and search text) from that build beside HTML kept from the
    one before. When the page comes back as it was then, it is converted and printed afresh, so
    what the page shows and what it links and indexes never come from different Markdown."""
    from types import SimpleNamespace

    from evidence_site.kept import Converted, Kept

    kept = Kept(signature="settings")

    def page(markdown):
        return SimpleNamespace(file=SimpleNamespace(src_uri="studies/x/index.md"), url="studies/x/", meta={}), markdown

    before, before_md = page("# As it was")
    kept.reuse_output(before, before_md)  # the build before: converted and printed
    kept.converted["studies/x/index.md"] = Converted(before_md, "<h1>As it was</h1>", None, None, set(), None,
                                                     "settings", before.kept_key)
    kept.keep_output(before, "<html>as it was</html>")
    again, again_md = page("# As it was")
    assert kept.reuse_output(again, again_md) and again.kept_html == "<html>as it was</html>"

    edited, edited_md = page("# Edited")  # the failed build: converted, never printed
    assert not kept.reuse_output(edited, edited_md)
    kept.converted["studies/x/index.md"] = Converted(edited_md, "<h1>Edited</h1>", None, None, set(), None,
                                                     "settings", edited.kept_key)
    reverted, reverted_md = page("# As it was")  # the next build: the edit undone
    assert not kept.reuse_output(reverted, reverted_md)
    assert getattr(reverted, "kept_html", None) is None
