"""The MkDocs plugin: generate the site's pages, downloads, feed and social cards in memory from
the review and study files, and give each page its head metadata and Content-Security-Policy.

Listed under `plugins:` in mkdocs.yml (found by its entry point, `evidence-site`), so
`mkdocs build`, `mkdocs serve` and `build_site.py` build the same site. Nothing is written into
docs/. The plugin instance owns everything a build needs; nothing is kept in a module.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url

from . import PACKAGE_DIR, accessibility, metadata, pages, reuse, urls
from .aggregate import codebook_labels
from .build import Site, prepare
from .cache import StudyCache, figure_folder, study_cache_for, template_cache
from .charts import build_charts
from .cards import card
from .citation import review_citations
from .csp import csp_policy
from .export import downloads
from .feed import atom
from .kept import Kept, KeptPage
from .problems import InputError
from .release import footer_facts
from .report import reporter
from .search import search_index, study_entries
from .render import HTML_BLOCK_END, HTML_BLOCK_START, PAGE_SIZE, environment, preformatted, render_pages

_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_HTML_BLOCK = re.compile(re.escape(HTML_BLOCK_START) + r"\n(.*?)\n" + re.escape(HTML_BLOCK_END), re.S)


class EvidenceConfig(base.Config):
    review = c.Type(str, default="review.yml")
    """The review file, relative to mkdocs.yml."""
    studies = c.Type(str, default="studies")
    """The folder of study files, relative to mkdocs.yml."""
    published_urls = c.Type(str, default=urls.PUBLISHED)
    """Every published address; a build fails if one stops resolving."""
    page_size = c.Type(int, default=PAGE_SIZE)
    """Rows in one study table or per-study figure; past this, lists are paged."""
    accessibility_record = c.Type(str, default=accessibility.RECORD)
    """The last accessibility check's record (written by the browser tests), read by /accessibility/."""


def card_path(page: dict) -> str:
    return f"assets/cards/{page['card_file']}.png"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def card_alt(page: dict) -> str:
    """The card's words as sentences, for its alt text: the title, then the figure with its
    caption (run on when the caption continues the figure, after a colon when it is a sentence)."""
    title = _sentence(page.get("card_title", page["title"]))
    if not page["card"]:
        return title
    figure, caption = page["card"]
    if not caption:
        return f"{title} {_sentence(figure)}"
    joined = f"{figure} {caption}" if caption[:1].islower() else f"{figure}: {caption}"
    return f"{title} {_sentence(joined)}"


class EvidencePlugin(BasePlugin[EvidenceConfig]):
    def __init__(self) -> None:
        self.prepared: Site | None = None  # a Site build_site.py already checked, used by the next build
        self.site: Site | None = None
        self.info: dict[str, dict] = {}  # page facts by source path
        self.blocks: dict[str, list[str]] = {}  # finished HTML kept out of the Markdown parser, by page
        self.cards: dict[tuple, bytes] = {}  # drawn cards by content, so `serve` redraws only what changed
        self.pngs: dict[str, bytes] = {}  # figure PNGs by the hash of their SVG: each drawn once
        self.pages: set[str] = set()  # the pages of the last good build (serve shows problems on each)
        self.dropped: list = []  # published addresses the last build no longer serves
        self.handed = False  # whether this build's Site came from build_site.py
        self.serving = False
        self.env = None
        self.report = None
        self.study_pages: dict[str, dict] = {}
        self.registry = pages.PAGES  # the site's pages, declared once (evidence_site/pages.py)
        self.export: dict | None = None  # set by build.export(): the generated files and page metadata, kept
        self.study_cache: StudyCache | None = None  # checked study files by content, kept across serve's rebuilds
        self.search_index = None  # the theme's search index, given study pages' entries (evidence_site/search.py)
        self.written: dict[str, dict] = {}  # study pages whose search entries this plugin writes: their study
        self.labels: dict = {}
        self.kept = Kept()  # while serving: pages whose input did not change, as the last build made them

    def on_startup(self, *, command, dirty) -> None:  # defining it keeps one instance across serve's rebuilds
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        """The end of an mkdocs invocation: what serve kept goes, and a later build in the same
        process is a build."""
        self.serving = False
        self.kept = Kept()

    def on_config(self, config):
        # The navigation comes from the page registry; a nav in mkdocs.yml would be a second list to keep in step.
        if config.nav and config.nav != pages.nav(self.registry):
            raise PluginError("mkdocs.yml has a nav that differs from the page registry (evidence_site/pages.py); "
                              "remove nav: from mkdocs.yml, the registry lists the pages")
        config.nav = pages.nav(self.registry)
        return config

    def on_serve(self, server, config, builder):
        # serve rebuilds when the data or the templates change (wherever the package is installed).
        root = Path(config.config_file_path).resolve().parent
        for path in (root / self.config.review, root / self.config.studies, PACKAGE_DIR / "templates"):
            server.watch(str(path))
        return server

    def on_env(self, env, config, files):
        env.filters["csp_policy"] = csp_policy  # overrides/main.html computes each page's policy
        env.bytecode_cache = template_cache(Path(config.config_file_path).resolve().parent)
        return Kept.loader(env) if self.serving else env

    @event_priority(100)  # before plugins such as redirects, which need to see the generated pages
    def on_files(self, files, config):
        root = Path(config.config_file_path).resolve().parent
        site, self.prepared = self.prepared, None
        self.written, self.search_index = {}, None
        self.handed = site is not None
        try:
            self.study_cache = study_cache_for(self.study_cache, root, keep=self.serving)
            site = site or prepare(root, self.config.review, self.config.studies, self.study_cache)
        except InputError as error:
            if not self.serving:
                raise PluginError(f"the study data has problems:\n{error}") from None
            return self._problem_pages(files, config, error)
        if self.env is None:
            self.env = environment()
            self.env.bytecode_cache = template_cache(root)
        self.site = site
        self.report = reporter(site.review, config.site_url or "")  # "Report a problem" links, if a repository is named
        self.study_pages = {f"studies/{s['id']}.md": s for s in site.studies}
        config.extra["release"] = footer_facts(site.review, site.summary)  # every page's footer (overrides/main.html)
        charts = build_charts(site.review, site.studies, site.summary,
                              per_study=len(site.studies) <= self.config.page_size)
        self.info = pages.page_info(site.review, site.studies, site.summary, self.registry, self.config.page_size,
                                    config.site_url or "", figures=reuse.exported(charts))
        # Study pages are indexed from their data, not parsed by the search plugin (evidence_site/search.py);
        # an exported folder leaves them to whichever engine builds it.
        self.search_index = search_index(config) if self.export is None else None
        self.labels = codebook_labels(site.review)
        self.written = {f"studies/{study['id']}.md": study for study in site.studies} if self.search_index else {}
        example = root / self.config.studies / f"{site.studies[0]['id']}.yml" if site.studies else None
        example_text = example.read_text(encoding="utf-8") if example else ""
        try:
            record = accessibility.read_record(root, self.config.accessibility_record)
        except InputError as error:
            raise PluginError(str(error)) from None
        if self.serving:
            self.kept.begin(config, [PACKAGE_DIR / "templates"])
        rendered = render_pages(site.review, site.studies, site.summary, example_text, config.site_url or "",
                                env=self.env, page_size=self.config.page_size, registry=self.registry,
                                charts=charts, accessibility=record,
                                kept=self.kept.renders if self.serving else None,
                                signature=self.kept.signature if self.serving else "")
        generated = dict(rendered)
        generated["feed.xml"] = atom(site.review, site.studies, config.site_url or "/")
        generated.update(downloads(site.review, site.studies, self.kept.downloads if self.serving else None))
        site_css = Path(config.docs_dir) / "assets" / "site.css"
        generated.update(reuse.figure_files(
            self.env, site.review, charts, review_citations(site.review)["vancouver"], config.site_url or "",
            site_css.read_text(encoding="utf-8") if site_css.is_file() else "", self.pngs, figure_folder(root)))
        for path, content in generated.items():
            _add(files, config, path, content, path not in self.info or self.info[path]["page"].nav is not None)
        self.pages = set(rendered)
        drawn = set()
        for page in self.info.values():
            if page["card"] and card_path(page) not in drawn:
                drawn.add(card_path(page))
                figure, caption = page["card"]
                text = (site.review["site"]["title"], page.get("card_title", page["title"]), figure, caption)
                if text not in self.cards:
                    self.cards[text] = card(*text)
                _add(files, config, card_path(page), self.cards[text])
                generated[card_path(page)] = self.cards[text]
        if self.export is not None:
            self.export.update(files=generated, meta={})
        if self.serving:  # pages out of the navigation are built again only when their input changes
            self.kept.adopt(config, files, rendered)
        return files

    def _problem_pages(self, files, config, error: InputError):
        """While serving: every page shows the problems the terminal shows, until the next good save."""
        print(error, file=sys.stderr)  # the lines `check` prints, as they are
        self.site, self.info = None, {}
        text = ("# The study data has problems\n\nFix them and save: this page is replaced by the site.\n\n"
                f'<pre class="problems">{preformatted(str(error))}</pre>\n')
        nav_pages = {page.path for page in self.registry if page.nav}
        for path in sorted(self.pages | nav_pages):
            _add(files, config, path, text, path in nav_pages)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        page_data = self.info.get(page.file.src_uri)
        if page_data:  # Material prints page.meta.description without escaping it
            page.meta["description"] = metadata.escaped(page_data["description"])
            if not page_data["page"].search:
                page.meta["search"] = {"exclude": True}
            page.meta["head_tags"] = self.head_tags(page_data, page.canonical_url, config, page.url)
            if self.report:  # the footer's "Report a problem" link: the study itself on a study page
                study = self.study_pages.get(page.file.src_uri)
                page.meta["es_report"] = (self.report.study(study, page_data["title"]) if study
                                          else self.report.page(page.title or page_data["title"], page.url))
            if self.export is not None:
                self.export["meta"][page.file.src_uri] = {"title": page.title, **page.meta}
            if page.file.src_uri in self.written:
                page.meta["search"] = {"exclude": True}  # on_page_context writes its entries instead
        if isinstance(page, KeptPage) and self.kept.reuse_output(page, markdown) and _unsearched(page):
            return markdown  # printed from its kept HTML and not indexed: its content is never read
        # Large finished HTML blocks skip the Markdown parser (slow on raw HTML) and return afterwards.
        blocks = self.blocks[page.file.src_uri] = []

        def stash(match):
            blocks.append(match.group(1))
            return f"\n\nESHTMLBLOCK{len(blocks) - 1}\n\n"

        return _HTML_BLOCK.sub(stash, markdown)

    def on_page_context(self, context, page, config, nav):
        # Runs after the search plugin's (listed before this one in mkdocs.yml), so the entries land
        # where that plugin would have put the ones it parsed: the index keeps its order.
        study = self.written.get(page.file.src_uri)
        if study is not None:
            self.search_index.entries.extend(
                study_entries(study, self.labels, page.meta.get("title", page.title), page.url, page.toc,
                              self.site.summary.included))
        return context

    def on_page_content(self, html, page, config, files):
        if page.file.generated_by == "evidence-site":
            # Converted: its source is read by nothing after this, so it goes now, instead of
            # every page's staying in memory until all pages are written.
            page.file.content_bytes = b""
        if isinstance(page, KeptPage) and page.kept_html is not None and _unsearched(page):
            return ""  # nothing reads the content of a page printed from its kept HTML and not indexed
        for number, block in enumerate(self.blocks.pop(page.file.src_uri, [])):
            html = html.replace(f"<p>ESHTMLBLOCK{number}</p>", block, 1)
        return html

    def head_tags(self, page_data: dict, url: str | None, config, page_url: str = "") -> str:
        """The sharing and scholarly tags of a page's <head> (overrides/main.html prints them in extrahead)."""
        base = config.site_url or ""
        image = f"{base}{card_path(page_data)}" if page_data["card"] and base else None
        review, entry = self.site.review, page_data["page"]
        highwire = metadata.highwire(review) if pages.HIGHWIRE in entry.structured else []
        json_ld = [metadata.scholarly_article(review)] if pages.ARTICLE in entry.structured else []
        if pages.DATASET in entry.structured:
            json_ld.append(metadata.dataset(review, self.site.studies, base, self.site.summary.data_date))
        return metadata.head_tags(
            site_name=config.site_name, title=page_data["title"], description=page_data["description"],
            url=url, image=image, image_alt=card_alt(page_data), og_type=entry.og_type,
            highwire_tags=highwire, json_ld=json_ld,
            feed=f"{base}feed.xml" if base else get_relative_url("feed.xml", page_url))

    def on_post_page(self, output, page, config):
        if isinstance(page, KeptPage):
            self.kept.keep_output(page, output)
        if self.export is not None and page.file.src_uri in self.export["meta"]:
            policy = _CSP.search(output)
            self.export["meta"][page.file.src_uri]["csp"] = policy.group(1) if policy else None
        if page.file.generated_by == "evidence-site":
            page.content = None  # written once on_post_page returns, and read by nothing after
        return output

    def on_post_template(self, output, template_name, config):
        if template_name != "404.html":
            return output
        if self.export is not None:
            policy = _CSP.search(output)
            self.export["csp_404"] = policy.group(1) if policy else None
        # The 404 page, served at any missing address, links the feed from the site's root path,
        # as MkDocs does for its own links there.
        return output.replace("</head>", metadata.feed_link(f"{config.site_url or '/'}feed.xml") + "</head>", 1)

    @event_priority(-100)  # after plugins such as redirects, which write their pages here
    def on_post_build(self, config):
        self.dropped = []
        if self.site is None or self.serving:
            return
        root = Path(config.config_file_path).resolve().parent
        published = urls.read_published(root / self.config.published_urls)
        self.dropped = (urls.broken(Path(config.site_dir), published)
                        + pages.unlisted(published, self.registry, self.config.published_urls))
        if self.dropped and not self.handed:  # build_site.py reports them itself, as its own problem lines
            raise PluginError(f"published addresses no longer resolve:\n{InputError(self.dropped)}")


def _unsearched(page) -> bool:
    return bool((page.meta.get("search") or {}).get("exclude"))


def _add(files, config, path: str, content, in_nav: bool = True) -> None:
    existing = files.get_file_from_path(path)
    if existing is not None:
        files.remove(existing)
    # Pages kept out of the navigation on purpose (study pages, paged lists) are marked so, which
    # keeps MkDocs from listing each of them as "not included in the nav".
    inclusion = InclusionLevel.UNDEFINED if in_nav or not path.endswith(".md") else InclusionLevel.NOT_IN_NAV
    # Kept as UTF-8 until MkDocs reads it: a page's text with one character past Latin-1 (a ▲, a ·)
    # would take two to four bytes per character as a Python string.
    content = content.encode("utf-8") if isinstance(content, str) else content
    files.append(File.generated(config, path, content=content, inclusion=inclusion))
