"""`build_site.py export DIR`: plain files that MkDocs builds without the plugin into the same site."""

from __future__ import annotations

import json
import os
import re

from conftest import ROOT

from evidence_site.build import data_epoch, prepare
from cli_runner import run_cli
from evidence_site.portable import split_front_matter


def test_export_builds_the_same_site_without_the_plugin(tmp_path, built_site):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path / "exported"
    assert run_cli(ROOT, "export", str(out)).returncode == 0  # in-process; logging is put back afterwards
    config_text = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- evidence-site" not in config_text and "\nwatch:" not in config_text and "\nnav:\n" in config_text
    front, body = split_front_matter((out / "docs/studies/brown-2020.md").read_text(encoding="utf-8"))
    assert front["title"] == "Brown and Kuss (2020)" and front["description"].startswith("Brown and Kuss (2020): ")
    assert front["evidence"]["nav"] is None and '<meta property="og:type" content="article">' in front["head_tags"]
    assert front["csp"].startswith("default-src 'self'; script-src 'self' 'sha256-")
    listing, _ = split_front_matter((out / "docs/studies/type/abstinence/index.md").read_text(encoding="utf-8"))
    assert listing["search"] == {"exclude": True}
    for path in ("data/studies.csv", "data/review.bib", "feed.xml", "assets/cards/index.png", "assets/site.css"):
        assert (out / "docs" / path).is_file(), path
    again = run_cli(ROOT, "export", str(out))
    assert again.returncode == 2 and "is not empty" in again.stderr  # never writes over a folder

    site = tmp_path / "site"
    os.environ["SOURCE_DATE_EPOCH"] = str(data_epoch(prepare(ROOT)))
    try:
        build(load_config(str(out / "mkdocs.yml"), site_dir=str(site), strict=True))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    ours = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert ours == theirs
    for rel in ours:
        a, b = (built_site / rel).read_bytes(), (site / rel).read_bytes()
        if rel == "search/search_index.json":  # the same entries; files are found in another order
            key = lambda d: json.dumps(d, sort_keys=True)  # noqa: E731
            assert sorted(map(key, json.loads(a)["docs"])) == sorted(map(key, json.loads(b)["docs"]))
        elif a != b:  # raw HTML blocks go through the Markdown parser: at most a blank line moves
            assert re.sub(rb"\s+", b"", a) == re.sub(rb"\s+", b"", b), rel

