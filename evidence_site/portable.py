"""`build_site.py export DIR`: the generated site as plain files that any engine reading
mkdocs.yml can build, without this package.

DIR gets docs/ (the generated pages as Markdown with front matter, the downloads, the feed, the
social cards and the project's own docs/ assets), overrides/ and an mkdocs.yml without the
evidence-site plugin and with the navigation written out. Each page's front matter carries its
title, description, search policy, registry flags, the finished head tags and the
Content-Security-Policy; overrides/main.html prints the last two from page.meta, so the HTML an
engine builds from the folder has the same <head> as the plugin's build.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from markupsafe import Markup

from . import metadata, pages
from .build import data_epoch, evidence_plugin, prepare
from .problems import InputError
from .render import HTML_BLOCK_END, HTML_BLOCK_START


def export(root: Path, out: Path) -> Path:
    """Build the site once through the plugin, keeping what it generated, and write DIR."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    root, out = root.resolve(), out.resolve()
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; export into a new or empty folder")
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)  # as build.build: ends an earlier serve's mode
    plugin = evidence_plugin(config)
    plugin.prepared = prepare(root, plugin.config.review, plugin.config.studies)
    plugin.export = {}
    epoch_was_set = "SOURCE_DATE_EPOCH" in os.environ
    if not epoch_was_set:
        os.environ["SOURCE_DATE_EPOCH"] = str(data_epoch(plugin.prepared))
    with tempfile.TemporaryDirectory(prefix=".export-build-") as staging:
        config.site_dir = staging
        try:
            mkdocs_build(config)
        finally:
            if not epoch_was_set:
                del os.environ["SOURCE_DATE_EPOCH"]
            # MkDocs keeps plugin instances per process: the next build must not export too
            export, plugin.export = plugin.export, None
    if plugin.dropped:
        raise InputError(plugin.dropped)
    docs = out / "docs"
    shutil.copytree(root / config.docs_dir, docs, dirs_exist_ok=True)  # the static assets
    for path, content in export["files"].items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.endswith(".md"):
            content = page_file(content, export["meta"][path], plugin.info[path]["page"])
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    overrides = root / "overrides"
    if overrides.is_dir():
        shutil.copytree(overrides, out / "overrides", dirs_exist_ok=True)
    (out / "mkdocs.yml").write_text(engine_config((root / "mkdocs.yml").read_text(encoding="utf-8"), plugin.registry,
                                                  {"csp_404": export.get("csp_404"),
                                                   "release": config.extra.get("release"),
                                                   "feed_404": metadata.feed_link(f"{config.site_url or '/'}feed.xml")}),
                                    encoding="utf-8")
    return out


def split_front_matter(markdown: str) -> tuple[dict, str]:
    if markdown.startswith("---\n"):
        head, _, body = markdown[4:].partition("\n---\n")
        return yaml.safe_load(head) or {}, body
    return {}, markdown


class _Dumper(yaml.SafeDumper):
    """Multi-line values (the head tags) as literal blocks, so the front matter reads as written."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def page_file(markdown: str, meta: dict, entry: pages.Page) -> str:
    """A generated page with everything the plugin adds to it written into its front matter."""
    front, body = split_front_matter(markdown)
    # The markers around finished HTML blocks only tell the plugin what to keep from the Markdown parser.
    body = body.replace(f"{HTML_BLOCK_START}\n", "").replace(f"\n{HTML_BLOCK_END}", "\n")  # a block ends at a blank line
    if entry.path != "index.md":  # the home page's title is the site's name, as the theme shows it
        front["title"] = front.get("title") or meta.get("title") or entry.nav
    front["description"] = meta["description"]
    if not entry.search:
        front["search"] = {"exclude": True}
    front["evidence"] = {"nav": entry.nav, "published": entry.published, "search": entry.search,
                         "structured": list(entry.structured), "og_type": entry.og_type}
    front["head_tags"] = meta["head_tags"]
    if meta.get("es_report"):
        front["es_report"] = Markup(meta["es_report"]).unescape()  # the theme escapes it as it prints it
    if meta.get("csp"):
        front["csp"] = meta["csp"]
    text = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**9)
    return f"---\n{text}---\n{body}"


def engine_config(text: str, registry, extra: dict | None = None) -> str:
    """The project's mkdocs.yml without the evidence-site plugin and the watched inputs, with the
    registry's navigation."""
    lines, out, skipping = text.splitlines(keepends=True), [], None
    for line in lines:
        if line.strip() in ("- evidence-site:", "- evidence-site"):  # the plugin and its options
            skipping = "      "
            if out and out[-1].lstrip().startswith("#"):
                out.pop()  # its comment
            continue
        if line.startswith("watch:"):  # the project's inputs (studies, review.yml, the package): not in DIR
            skipping = "  "
            continue
        if skipping and (line.startswith(skipping) or not line.strip()):
            continue
        skipping = None
        out.append(line)
    nav = "".join(f"  - {json.dumps(label)}: {path}\n" for item in pages.nav(registry) for label, path in item.items())
    # What the plugin hands the theme outside page metadata: the 404 page's policy (it has no front
    # matter) and the footer's release facts. JSON is YAML, and keeps every value a plain string.
    extra = "".join(f"  {key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in (extra or {}).items() if value)
    extra = f"extra:\n{extra}" if extra else ""
    header = "# Exported by build_site.py export: plain files, no plugin needed; do not edit, export again.\n"
    return (header + "".join(out).rstrip("\n") + "\n\n# Written by build_site.py export from the page registry.\nnav:\n" + nav
            + extra)
