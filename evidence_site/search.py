"""Search entries for study pages, written from the data instead of scraped from each page's HTML.

A study page is marked `search: exclude` so the theme's search plugin does not parse it; the
evidence-site plugin hands these entries to that plugin's index in the page's place, so the index
keeps the order and the form it always had. What is indexed is what the top of a study page says
(the rest of the page is data-search-exclude): its title, the study's title, its byline
(authors, journal, year) and its one-sentence summary, plus one entry per heading so a result can
jump to a section. The text is written exactly as the theme's parser would have written it from
the page (tests/test_scale.py compares the two on every study file the tests hold).
"""

from __future__ import annotations

from html import escape

from .aggregate import study_name
from .render import _CONTROL, NOT_REPORTED, study_summary


def _folded(value) -> str:
    """A value as page_text prints it, before escaping: the text a reader sees."""
    if value is None:
        return NOT_REPORTED
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(_CONTROL.sub("", str(value)).split())


def _text(*parts: str) -> str:
    return escape("".join(parts), quote=False)


def study_entries(study: dict, labels: dict, page_title: str, url: str, toc, included: int) -> list[dict]:
    """The index entries of one study page: the page, its title section, one per other heading.

    page_title is the page's front-matter title, url its address, toc its table of contents
    (MkDocs' page.toc), which gives each heading's anchor as the page has it; included is the
    number of studies in the review (the summary sentence names it)."""
    citation = study["citation"]
    byline = _text(_folded(", ".join(str(a) for a in citation["authors"])), ". ") + _text(_folded(citation["journal"])) \
        + _text(", ", _folded(citation["year"]), ".")
    # The one-sentence summary (templates/study.md.j2, class search-summary), as the page prints it.
    summary = _folded(study_summary(study, labels, included))
    title = str(page_title).strip()
    heading, *sections = _flatten(toc)
    entries = [{"location": url, "title": title, "text": ""},
               {"location": url + heading.url, "title": _text(_folded(study_name(study))),
                "text": f"<p>{_text(_folded(citation['title']))}</p> <p>{byline}</p> <p>{_text(summary)}</p>"}]
    entries += [{"location": url + item.url, "title": title, "text": ""} for item in sections]
    return entries


def _flatten(toc) -> list:
    out = []
    for item in toc:
        out.append(item)
        out.extend(_flatten(item.children))
    return out


def search_index(config):
    """The theme's search index (Material's search plugin) that entries can be handed to, or None:
    then study pages are left to the search plugin to parse, as any page."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if type(plugin).__module__.startswith("material.") and isinstance(getattr(index, "entries", None), list):
            return index
    return None
