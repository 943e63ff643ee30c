"""Pages kept across `serve`'s rebuilds: a page whose input is unchanged is not built again.

MkDocs 1.6 rebuilds every page on every save. Its --dirty mode is no help: every generated page
counts as changed, and the warning it logs on each build fails a strict one. At thousands of
studies nearly all of that work is converting and theming study pages whose file did not change.
While serving, the plugin keeps what the previous build made of each generated page kept out of
the navigation (study pages, paged lists, figure pages):

- the generator's own render of each study page, list page and table row, keyed by the values it
  is rendered from (render.render_pages), and each study's entry in the downloads that list
  every study (export.downloads);
- the Markdown conversion (HTML, table of contents, anchors), keyed by the page's Markdown: a
  page with the same Markdown is not converted again (`KeptPage.render`);
- the finished HTML the theme wrote, keyed by the page's Markdown, its metadata, its address and
  a signature of everything every page shares (the configuration file, the site's address,
  config.extra, the navigation, the theme and template files): a page with the same key is
  printed from the kept HTML through a one-line template instead of the theme's.

Pages in the navigation are always built (each shows which page is active). Nothing is kept on
disk and `build` never uses this: a build's site is what it always was, and a rebuild's site is
byte-identical to a full build of the same files (tests/test_serve.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader
from mkdocs.structure.pages import Page

TEMPLATE = "evidence-site-kept.html"  # prints a kept page's HTML as it is


@dataclass
class Converted:
    """What Page.render made of one page's Markdown."""

    markdown: str
    content: str
    toc: object
    title: str | None
    anchors: set | None
    links: dict[str, dict[str, str]] | None  # links to anchors in other pages, by the page's source path
    signature: str  # the settings it was converted under (mkdocs.yml's Markdown extensions among them)
    key: str | None = None  # the page key (Kept.page_key) of the build that converted it


@dataclass
class Kept:
    """Everything kept across rebuilds, and how much of the last build it saved."""

    converted: dict[str, Converted] = field(default_factory=dict)  # by source path
    # source path -> (key, HTML as UTF-8): bytes, as a str holding one character outside Latin-1
    # (a ▲) takes two or four bytes a character, and at 5,000 studies this is most of what is kept
    output: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    renders: dict[str, bytes] = field(default_factory=dict)  # the generator's renders by key, as UTF-8 (cache.Reused)
    downloads: dict[str, dict] = field(default_factory=dict)  # each study's part of the downloads (export.downloads)
    signature: str = ""
    files: tuple = ()  # the documentation pages of the last build: links are resolved against them
    hits: dict[str, int] = field(default_factory=lambda: {"converted": 0, "printed": 0})

    def begin(self, config, templates: list[Path]) -> None:
        """A new build, once config.extra is set: a digest of what every page shares."""
        digest = hashlib.sha256(Path(config.config_file_path).read_bytes())
        digest.update(json.dumps([config.site_url, config.extra], sort_keys=True, default=str).encode())
        digest.update(json.dumps([str(item) for item in config.nav or []]).encode())
        custom = [config.theme.custom_dir] if config.theme.custom_dir else []
        for folder in [*custom, *templates]:  # the theme's own files do not change while serving
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        self.signature = digest.hexdigest()
        self.hits = {"converted": 0, "printed": 0}

    def adopt(self, config, files, paths) -> None:
        """The generated pages among paths that are out of the navigation become KeptPages; what
        was kept of pages goes if the set of pages changed (links are resolved against it)."""
        pages = tuple(sorted(f.src_uri for f in files.documentation_pages()))
        if pages != self.files:
            self.converted.clear()
            self.output.clear()
            self.files = pages
        for path in paths:
            file = files.get_file_from_path(path)
            if file is not None and file.is_documentation_page() and file.inclusion.is_not_in_nav():
                KeptPage(file, config, self)

    @staticmethod
    def loader(env):
        """The theme's templates and the one that prints a kept page."""
        env.loader = ChoiceLoader([env.loader, DictLoader({TEMPLATE: "{{ page.kept_html }}"})])
        return env

    def page_key(self, page, markdown: str) -> str:
        digest = hashlib.sha256(self.signature.encode())
        for part in (page.file.src_uri, page.url, markdown):
            digest.update(part.encode() + b"\0")
        digest.update(json.dumps(page.meta, sort_keys=True, default=str).encode())
        return digest.hexdigest()

    def reuse_output(self, page, markdown: str) -> bool:
        """Once the page's metadata is set (markdown: its Markdown as generated, finished blocks and
        all): whether it is printed from the kept HTML, as it is when nothing it shows has changed."""
        key = self.page_key(page, markdown)
        page.kept_key = key
        kept = self.output.get(page.file.src_uri)
        converted = self.converted.get(page.file.src_uri)
        # Both kept from the same page as it is now: a build that failed after converting the page
        # but before printing it leaves a conversion newer than the kept HTML, and the two must not mix.
        if not (kept and kept[0] == key and converted is not None and converted.key == key):
            return False
        page.kept_html = kept[1].decode("utf-8")
        page.meta["template"] = TEMPLATE
        self.hits["printed"] += 1
        return True

    def keep_output(self, page, output: str) -> None:
        key = getattr(page, "kept_key", None)
        if key is not None:
            self.output[page.file.src_uri] = (key, output.encode("utf-8"))


class KeptPage(Page):
    """A generated page out of the navigation, whose conversion is kept while serving."""

    kept_html: str | None = None  # the page's themed HTML, when it is printed from the last build's

    def __init__(self, file, config, kept: Kept) -> None:
        self.kept = kept
        super().__init__(None, file, config)

    def render(self, config, files) -> None:
        was = self.kept.converted.get(self.file.src_uri)
        # A page printed from its kept HTML has the Markdown it had then (the plugin may not even have
        # taken its finished blocks out).
        if was is not None and was.signature == self.kept.signature and (
                self.kept_html is not None or was.markdown == self.markdown):
            self.content, self.toc, self._title_from_render, self.present_anchor_ids = (
                was.content, was.toc, was.title, was.anchors)
            # Links into other pages point at this build's files, so MkDocs checks their anchors afresh.
            targets = {path: files.get_file_from_path(path) for path in was.links or {}}
            if None not in targets.values():
                self.links_to_anchors = None if was.links is None else {
                    targets[path]: links for path, links in was.links.items()}
                self.kept.hits["converted"] += 1
                return
        super().render(config, files)
        links = None if self.links_to_anchors is None else {
            file.src_uri: links for file, links in self.links_to_anchors.items()}
        self.kept.converted[self.file.src_uri] = Converted(
            self.markdown, self.content, self.toc, self._title_from_render, self.present_anchor_ids, links,
            self.kept.signature, getattr(self, "kept_key", None))
