"""MkDocs hook: generate the site's pages, downloads and social cards in memory from review.yml
and studies/*.yml, and add sharing and scholarly metadata to each page's <head>.

Listed under `hooks:` in mkdocs.yml, so both `mkdocs build` and `mkdocs serve` (which rebuilds
when a watched study file changes) produce the same site. Nothing is written into docs/.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path, not as part of the package
    sys.path.insert(0, str(ROOT))

from evidence_site import metadata  # noqa: E402
from evidence_site.build import take_prepared  # noqa: E402
from evidence_site.cards import card  # noqa: E402
from evidence_site.export import downloads  # noqa: E402
from evidence_site.feed import atom  # noqa: E402
from evidence_site.problems import InputError  # noqa: E402
from evidence_site.release import footer_facts  # noqa: E402
from evidence_site.report import reporter  # noqa: E402
from evidence_site.render import HTML_BLOCK_END, HTML_BLOCK_START, page_info, render_pages  # noqa: E402

_state: dict = {}


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


_cards: dict[tuple, bytes] = {}  # drawn cards by content, so `serve` redraws only what changed


def _card(*text) -> bytes:
    if text not in _cards:
        _cards[text] = card(*text)
    return _cards[text]


def _add(files, config, path: str, content) -> None:
    existing = files.get_file_from_path(path)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, path, content=content))


@event_priority(100)  # before plugins such as redirects, which need to see the generated pages
def on_files(files, config):
    root = Path(config.config_file_path).resolve().parent
    try:
        site = take_prepared(root)
    except InputError as error:
        raise PluginError(f"the study data has problems:\n{error}") from None
    info = page_info(site.review, site.studies, site.summary)
    _state.update(site=site, info=info, report=reporter(site.review, config.site_url or ""),
                  study_pages={f"studies/{s['id']}.md": s for s in site.studies})
    config.extra["release"] = footer_facts(site.review, site.summary)  # every page's footer (overrides/main.html)
    example = root / "studies" / f"{site.studies[0]['id']}.yml" if site.studies else None
    example_text = example.read_text(encoding="utf-8") if example else ""
    for path, content in render_pages(site.review, site.studies, site.summary, example_text,
                                       config.site_url or "").items():
        _add(files, config, path, content)
    _add(files, config, "feed.xml", atom(site.review, site.studies, config.site_url or "/"))
    for path, content in downloads(site.review, site.studies).items():
        _add(files, config, path, content)
    drawn = set()
    for page in info.values():
        if page["card"] and card_path(page) not in drawn:
            drawn.add(card_path(page))
            figure, caption = page["card"]
            image = _card(site.review["site"]["title"], page.get("card_title", page["title"]), figure, caption)
            _add(files, config, card_path(page), image)
    return files


_HTML_BLOCK = re.compile(re.escape(HTML_BLOCK_START) + r"\n(.*?)\n" + re.escape(HTML_BLOCK_END), re.S)


def on_page_markdown(markdown, page, config, files):
    page_data = _state.get("info", {}).get(page.file.src_uri)
    if page_data:  # Material prints page.meta.description without escaping it
        page.meta["description"] = metadata.escaped(page_data["description"])
    report = _state.get("report")
    if report and page_data:  # the footer's "Report a problem" link: the study itself on a study page
        study = _state["study_pages"].get(page.file.src_uri)
        page.meta["es_report"] = (report.study(study, page_data["title"]) if study
                                  else report.page(page.title or page_data["title"], page.url))
    # Large finished HTML blocks skip the Markdown parser (slow on raw HTML) and return afterwards.
    blocks = _state.setdefault("blocks", {})[page.file.src_uri] = []

    def stash(match):
        blocks.append(match.group(1))
        return f"\n\nESHTMLBLOCK{len(blocks) - 1}\n\n"

    return _HTML_BLOCK.sub(stash, markdown)


def on_page_content(html, page, config, files):
    blocks = _state.get("blocks", {}).pop(page.file.src_uri, [])
    for number, block in enumerate(blocks):
        html = html.replace(f"<p>ESHTMLBLOCK{number}</p>", block, 1)
    return html


def on_post_page(output, page, config):
    site, page_data = _state.get("site"), _state.get("info", {}).get(page.file.src_uri)
    if site is None or page_data is None:
        return output
    base = config.site_url or ""
    image = f"{base}{card_path(page_data)}" if page_data["card"] and base else None
    review = site.review
    json_ld, highwire = [], []
    if page.file.src_uri in metadata.HIGHWIRE_PAGES:
        highwire = metadata.highwire(review)
        json_ld.append(metadata.scholarly_article(review))
    if page.file.src_uri in ("studies/index.md", "citation.md"):
        json_ld.append(metadata.dataset(review, site.studies, base, site.summary["data_date"]))
    head = metadata.head_tags(
        site_name=config.site_name, title=page_data["title"], description=page_data["description"],
        url=page.canonical_url, image=image, image_alt=card_alt(page_data),
        og_type="article" if page.file.src_uri.startswith("studies/") else "website",
        highwire_tags=highwire, json_ld=json_ld,
        feed=f"{base}feed.xml" if base else get_relative_url("feed.xml", page.url))
    return output.replace("</head>", head + "</head>", 1)


def on_post_template(output_content, template_name, config):
    """The 404 page, served at any missing address, links the feed from the site's root path,
    as MkDocs does for its own links there."""
    if template_name != "404.html":
        return output_content
    return output_content.replace("</head>", metadata.feed_link(f"{config.site_url or '/'}feed.xml") + "</head>", 1)
