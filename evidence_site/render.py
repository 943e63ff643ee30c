"""Render the site's pages (Markdown with small HTML blocks) from Jinja templates.

Escaping is done in one place, `page_text`: every value a template prints passes through it
(Jinja's `finalize`), so text from a data file can never become Markdown, HTML or Jinja
syntax. Links to other sites pass one allow-list (`safe_url`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import PACKAGE_DIR
from .cache import Reused
from .charts import INFERRED_MARK, INFERRED_WORDS, Charts, build_charts, effect_direction, svg_number
from .aggregate import (Missing, Summary, changes, codebook_labels, present_review, present_study, study_missing,
                        study_name)
from .citation import review_citations
from .fields import study_fields
from .load import load_bytes
from .provenance import field_label, is_inferred
from .report import reporter
from .validate import codebook_problems

TEMPLATE_DIR = PACKAGE_DIR / "templates"
# Rows in one study table or per-study figure. Past this, lists are split into pages and the
# per-study figures move from /findings/ to the per-type pages: no page grows with the review.
PAGE_SIZE = 100
NOT_REPORTED = "not reported"
_BASE = "studiesbase/"  # stands for the relative path to /studies/ in a cached table row (ids are lower case)

# Characters that mean something to Markdown, HTML or Jinja anywhere in a line. They become numeric
# character references, which browsers show as the character and Markdown passes through untouched.
_ESCAPE = set("&<>\"'`*_[](){}|!~^$=#+\\")
_LINE_START = re.compile(r"^(?:[-.:;,?%@/]|[0-9]+[.)])")  # list, heading or definition markers at line start
_SAFE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a study id names its page: no slash, dot or space
# Control and invisible direction characters are dropped; the joiners U+200C and U+200D stay (emoji and
# several scripts need them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _ref(char: str) -> str:
    return f"&#{ord(char)};"


_TRANSLATE = str.maketrans({c: _ref(c) for c in _ESCAPE})  # one C-level pass instead of a Python loop


def page_text(value) -> Markup:
    """Any value as safe page text: None -> 'not reported', whitespace folded, syntax as entities.

    This is the one place where data becomes page text: Jinja calls it for every printed value.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, Missing):
        return Markup(str(value))
    if value is None:
        return Markup(NOT_REPORTED)
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = " ".join(_CONTROL.sub("", str(value)).split())
    start = _LINE_START.match(text)
    head = ""
    if start:
        head = start.group()[:-1] + _ref(start.group()[-1])
        text = text[start.end():]
    return Markup(head + text.translate(_TRANSLATE))


HTML_BLOCK_START, HTML_BLOCK_END = "<!--es:html-->", "<!--/es:html-->"


def html_block(html: Markup) -> Markup:
    """Mark a large block of finished HTML (a table, a figure) so the plugin can keep it out of
    the Markdown parser, which is slow on raw HTML, and put it back unchanged afterwards. Page text
    cannot contain the markers: page_text turns every < into a character reference."""
    return Markup(f"{HTML_BLOCK_START}\n{html}\n{HTML_BLOCK_END}")


def preformatted(value) -> Markup:
    """Multi-line text for a <pre> block: escaped like page_text, but lines and spaces are kept."""
    lines = _CONTROL.sub("", str(value)).rstrip("\n").split("\n")
    return Markup("\n".join(line.translate(_TRANSLATE) for line in lines))


def front_matter_title(value) -> Markup:
    """A page title for YAML front matter: characters that could form markup are dropped.

    MkDocs themes print page titles into <title> and navigation without escaping, so a title
    must not contain < > & " ' ` { } or backslashes at all; the JSON quoting keeps YAML happy.
    """
    text = " ".join(_CONTROL.sub("", str(value)).split())
    text = "".join(c for c in text if c not in "<>&\"'`{}\\")
    return Markup(json.dumps(text, ensure_ascii=True))


_PERMALINK = re.compile(r"(?:[a-z0-9-]+/)*#[a-z0-9-]+")


def permalink(value: str) -> Markup:
    """A page path and anchor written by the templates (findings/#type-abstinence): printed as it is."""
    if not _PERMALINK.fullmatch(str(value)):
        raise ValueError(f"not a permalink: {value!r}")
    return Markup(value)


_RELATIVE_PATH = re.compile(r"(?:\.\./|\./)*(?:[a-z0-9-]+/)*")


def relative_path(value: str) -> Markup:
    """A relative link path written by the templates (../../, ../studies/): printed as it is."""
    if not _RELATIVE_PATH.fullmatch(str(value)):
        raise ValueError(f"not a relative path: {value!r}")
    return Markup(value)


def safe_url(url: str | None) -> Markup | None:
    """The URL if it is http(s) with a host, else None (so it is never made a link)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in ' <>"\'`\\'):
        return None
    return Markup.escape(url.strip())


def doi_url(doi: str | None) -> Markup | None:
    if not isinstance(doi, str) or not doi.startswith("10."):
        return None
    return Markup.escape("https://doi.org/" + quote(doi, safe="/:;()._-"))


def thousands(value):
    """A whole number as readers write it (1,095); anything else (text, a missing value) as it is."""
    return f"{value:,}" if type(value) is int else value


def join_list(values) -> str | Missing | None:
    if not values:
        return values if isinstance(values, Missing) else None  # a missing list keeps its reason
    return ", ".join(str(v) for v in values)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(value):
    """2022-07-31 -> 31 July 2022 (anything else, such as a missing date, passes through unchanged)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value)) if isinstance(value, str) or hasattr(value, "month") else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        return value
    return f"{int(match.group(3))} {_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"


def and_list(items, conjunction: str = "and") -> str:
    """['a', 'b', 'c'] -> 'a, b and c'; 'or' for 'a or b'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}" if items else ""


def clause(sentence) -> str:
    """A sentence without its final full stop, to go on with ', the review reports.'"""
    text = str(sentence).rstrip()
    return text[:-1] if text.endswith(".") else text


# Country names that take "the" in a sentence ("in the United Kingdom"), by their shape or by name.
_THE_PREFIX, _THE_SUFFIX = ("United ", "Republic of "), (" Republic", " Islands", " Kingdom", " States", " Emirates")
_THE_NAMES = {"Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles"}


def country_in_text(name) -> str:
    """'United Kingdom' -> 'the United Kingdom'; 'Bulgaria' stays as it is."""
    text = " ".join(str(name).split())
    needs = text.startswith(_THE_PREFIX) or text.endswith(_THE_SUFFIX) or text in _THE_NAMES
    return f"the {text}" if needs and not text.lower().startswith("the ") else text


def journal_in_text(name) -> str:
    """A journal's name inside a sentence: 'the Journal of Medical Internet Research', 'the Annals of
    ...', but 'Psychiatry Research' and 'The Lancet' as they are."""
    text = " ".join(str(name).split())
    needs = text.startswith("Journal ") or " of " in text
    return f"the {text}" if needs and not text.lower().startswith("the ") else text


def study_summary(study: dict, labels: dict, included: int) -> str:
    """The one-sentence summary at the top of a study page (class search-summary), which search also
    indexes (search.study_entries): 'A study of an abstinence intervention with 61 participants,
    measuring fear of missing out and mental well-being. The review classed it as improved. One of the
    23 studies in the review.' A country worked out rather than read (listed under `inferred`) is left
    out: the page's facts say where it came from."""
    kind = str(labels["intervention_types"][study["intervention"]["type"]]["label"]).lower()
    size = study["sample"]["size"]
    countries = study.get("country") if not is_inferred(study, "country") else None
    domains = list(dict.fromkeys(o["domain"] for o in study["outcomes"] or []))
    effect = study["overall_effect"]
    return (f"A study of {an_intervention(kind)}"
            + (f" with {thousands(size)} participant{'' if size == 1 else 's'}" if size else "")
            + (" in " + and_list(country_in_text(c) for c in countries) if countries else "")
            + (", measuring " + and_list(str(labels["outcomes"][d]["label"]).lower() for d in domains)
               if domains else "") + ". "
            + (f"The review classed it as {str(labels['effects'][effect]['label']).lower()}." if effect
               else f"The review's classification of it is {study_missing(study, 'overall_effect')}.")
            + (f" One of the {included} studies in the review." if included != 1 else " The only study in the review."))


def an_intervention(kind: str) -> str:
    """'abstinence' -> 'an abstinence intervention': a type's label as one intervention of it."""
    kind = kind.lower()
    return f"{'an' if kind[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {kind} intervention"


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 study', '2 studies': the number and the right form of the noun."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        finalize=page_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",  # so Markdown heading ids such as {#overall} stay text
        comment_end_string="##}",
    )
    env.filters.update(doi_url=doi_url, safe_url=safe_url, join_list=join_list, front_matter_title=front_matter_title,
                       preformatted=preformatted, study_name=study_name, study_summary=study_summary,
                       journal_in_text=journal_in_text,
                       path=relative_path, html_block=html_block, permalink=permalink)
    env.filters["num"] = svg_number  # chart coordinates: a number, never text
    env.filters["thousands"] = thousands  # counts as text: 1,095
    env.filters["field_label"] = field_label  # a study file's field as its page names it
    env.globals.update(inferred_mark=INFERRED_MARK, inferred_words=INFERRED_WORDS)  # a class this site worked out
    env.filters["worked_out"] = is_inferred  # study|worked_out("outcomes[0].effect"): listed under its inferred
    env.filters.update(plural=plural, long_date=long_date, and_list=and_list, clause=clause)
    env.tests["missing"] = lambda value: value is None or isinstance(value, Missing)
    return env


def render_pages(review: dict, studies: list[dict], summary: Summary, example_text: str = "",
                 site_url: str = "", *, env: Environment | None = None, page_size: int = PAGE_SIZE,
                 registry=None, charts: Charts | None = None, accessibility: dict | None = None,
                 kept: dict | None = None, signature: str = "") -> dict[str, str]:
    """Every generated page as {source path under docs/: Markdown text}: the registry's pages
    (evidence_site/pages.py), the lists of studies and a page per study.

    example_text is the text of one study file, shown as the worked example on /contribute/;
    site_url (the published address, if known) makes the press page's permalinks absolute.
    env is the Jinja environment to reuse (the plugin keeps one, so templates compile once a build).
    charts: the figures (charts.build_charts), if the caller computed them; each exported one gets
    its reuse kit and a page to embed. accessibility: the last accessibility check's record, or None.
    kept: while serving, what the last build rendered ({key: text}, evidence_site/kept.py), with
    signature, a digest of the templates and settings: a study page, list page or table row whose
    inputs are the same is not rendered again. These are rendered from only the values the key
    covers (StrictUndefined makes a template that reads anything else fail in every build).
    """
    from .pages import FIGURE, LISTING, PAGES, STUDY, url_of
    from .reuse import exported, kits

    registry = PAGES if registry is None else registry
    env = env or environment()
    labels = codebook_labels(review)
    context = {"review": present_review(review), "studies": studies, "summary": summary, "labels": labels,
               "citations": review_citations(review, studies)}
    paged = len(studies) > page_size
    context["charts"] = charts or build_charts(review, studies, summary, per_study=not paged)  # computed once
    context["kits"] = kits(review, context["charts"], context["citations"]["vancouver"], site_url)
    figures = exported(context["charts"])
    context["paged"] = paged
    context["accessibility"] = accessibility
    pages = {}
    context.update(site_url=site_url, report=reporter(review, site_url),
                   check_example=check_example(example_text, review["codebook"], studies),
                   changes=changes(studies)[:page_size], fields=study_fields(review["codebook"]),
                   example=studies[0] if studies else None, example_text=example_text)
    listings = list(study_listings(review, studies, summary, page_size))
    listed = {path for path, _ in listings}
    templates = {page.path: page.template for page in registry}
    for page in registry:
        if page.path not in listed:  # a registry page that is a list of studies is rendered with its listing
            pages[page.path] = env.get_template(page.template).render(context)
    # Study pages, list pages and rows see only these shared values, with their own: a digest of
    # them, the study's data and the templates names the result (kept across serve's rebuilds).
    # A study is shown through present_study (its nulls carry their reason, aggregate.Missing).
    shared = {"review": context["review"], "summary": summary, "labels": labels, "report": context["report"]}
    reused = Reused(kept)
    common = hashlib.sha256((signature + _data(review) + repr(summary) + site_url).encode()).hexdigest()
    data = {s["id"]: _data(s) for s in studies}

    def once(name: str, key_parts: tuple, make) -> str:
        return reused.text(common, name, *key_parts, make=make)

    row_macro = env.get_template("_macros.md.j2").module.study_row

    def rows(chunk: list[dict], base: str) -> list[Markup]:
        # Each study's row is rendered once, with a placeholder for the path back to /studies/;
        # study data cannot contain 'href="' (quotes are escaped), so only the link is rewritten.
        return [Markup(once("row", (data[s["id"]],), lambda s=s: str(row_macro(present_study(s), labels, _BASE)))
                       .replace(f'href="{_BASE}', f'href="{base}')) for s in chunk]

    for path, listing in listings:
        listing["rows"] = rows(listing["studies"], listing["base"])
        if path in templates:
            pages[path] = env.get_template(templates[path]).render(context, listing=listing)
        else:
            values = {**listing, "studies": [s["id"] for s in listing["studies"]]}
            pages[path] = once(path, (repr(values), *(data[s["id"]] for s in listing["studies"])),
                               lambda listing=listing: env.get_template(LISTING.template).render(
                                   shared, listing=listing, plot=_plot(review, listing, summary)))
    figure_template = env.get_template(FIGURE.template)
    for figure, chart in figures:
        pages[f"figures/{figure.slug}.md"] = figure_template.render(
            context, figure=figure, chart=chart, kit=context["kits"][figure.key],
            home_url=url_of(figure.home).lstrip("/"))
    study_template = env.get_template(STUDY.template)
    for study in studies:
        if not _SAFE_ID.fullmatch(str(study["id"])):  # validation refuses such ids; an id never becomes a path
            raise ValueError(f"study id {study['id']!r} cannot name a page")
        pages[f"studies/{study['id']}.md"] = once(
            "study", (data[study["id"]],), lambda study=study: study_template.render(shared, study=present_study(study)))
    reused.prune()  # what no page of this build uses is not kept for the next
    return pages


def _data(value) -> str:
    """A study's or the review's data as one string, for the keys of kept renders."""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _plot(review: dict, listing: dict, summary: Summary):
    """A type's list page draws the effect direction plot of its studies."""
    if listing["type_key"] and listing["studies"]:
        return effect_direction(review, listing["studies"], summary, listing["type_key"])
    return None


def check_example(example_text: str, codebook: dict, studies: list[dict]) -> str | None:
    """What `check` really prints when the example study's intervention type is misspelt."""
    if not example_text or not studies:
        return None
    key = studies[0]["intervention"]["type"]
    typo = key[:-2] + key[-1] + key[-2] if len(key) > 2 else key + "x"
    edited = example_text.replace(f"  type: {key}\n", f"  type: {typo}\n", 1)
    doc = load_bytes(edited.encode("utf-8"), f"studies/{studies[0]['id']}.yml")
    found = codebook_problems(doc, codebook) if doc.data else []
    return str(found[0]) if found else None


def _pagination(label: str, current: int, total: int, first_url: str, page_url) -> dict:
    return {"label": label, "current": current, "total": total,
            "prev": None if current == 1 else (first_url if current == 2 else page_url(current - 1)),
            "next": None if current == total else page_url(current + 1)}


@dataclass(frozen=True)
class StudyGroup:
    """One list of studies (all of them, a type's, an outcome's, a gap-map cell's) before paging."""

    folder: str  # its address under docs/, without index.md
    base: str  # the way back to the site's root from its first page
    title: str
    intro: str
    members: list
    type_key: str | None = None  # a type's list: its effect direction plot is drawn for its studies
    outcome_key: str | None = None  # an outcome's list: the page says what the review reports for the outcome
    gap_cell: bool = False  # one cell of the evidence gap map


def study_listings(review: dict, studies: list[dict], summary: Summary, page_size: int = PAGE_SIZE):
    """(source path, listing) for /studies/ and the per-type and per-outcome lists, each split into
    pages of page_size rows, so no page grows with the number of studies."""
    paged = len(studies) > page_size
    groups = [StudyGroup("studies", "", "Studies", "All transcribed studies.", studies)]
    for t in summary.by_type:
        mine = [s for s in studies if s["intervention"]["type"] == t.key]
        # what the review reports for the type, and how many of its studies are here: study-list.md.j2
        groups.append(StudyGroup(f"studies/type/{t.key}", "../../", f"{t.label} studies", t.definition, mine,
                                 type_key=t.key))
    unread = summary.outcomes_unread

    def unread_outcomes(others: bool) -> str:
        """Files whose outcome list is not transcribed: any of them may have measured the outcome."""
        if not unread:
            return ""
        files = plural(unread, ("other " if others else "") + "study file", ("other " if others else "") + "study files")
        return (f"; the outcomes of {files} are not yet transcribed, so "
                f"{'that file' if unread == 1 else 'those files'} may have measured it too")

    for o in summary.by_outcome:
        mine = [s for s in studies if any(x["domain"] == o.key for x in s["outcomes"] or [])]
        groups.append(StudyGroup(f"studies/outcome/{o.key}", "../../", f"Studies that measured {o.label.lower()}",
                                 f"{o.definition} "
                                 + (f"{plural(len(mine), 'transcribed study', 'transcribed studies')} measured it"
                                    if mine else "No transcribed study records it") + f"{unread_outcomes(bool(mine))}.",
                                 mine, outcome_key=o.key))
    # The studies behind each filled cell of the evidence gap map (charts.gap_map links its cells here).
    for t in summary.by_type:
        of_type = [s for s in studies if s["intervention"]["type"] == t.key]
        kind = t.label.lower()
        for o in review["codebook"]["outcomes"]:
            mine = [s for s in of_type if any(x["domain"] == o["key"] for x in s["outcomes"] or [])]
            if mine:
                groups.append(StudyGroup(
                    f"studies/type/{t.key}/outcome/{o['key']}", "../../../../", f"{t.label} studies that measured {o['label'].lower()}",
                    f"The {plural(len(mine), 'transcribed ' + kind + ' study', 'transcribed ' + kind + ' studies')} that measured "
                    f"{o['label'].lower()}: one cell of the evidence gap map.", mine, gap_cell=True))
    for group in groups:
        folder, base, title, members = group.folder, group.base, group.title, group.members
        chunks = [members[i:i + page_size] for i in range(0, len(members), page_size)] or [[]]
        for number, chunk in enumerate(chunks, 1):
            page_base = base if number == 1 else base + "../"
            first_url = "./" if number == 1 else "../"
            def page_url(n, number=number):
                return f"{n}/" if number == 1 else f"../{n}/"
            first = (number - 1) * page_size + 1
            caption = (f"{title}: {plural(len(members), 'study', 'studies')}" if len(chunks) == 1 else
                       f"{title}: studies {first} to {first + len(chunk) - 1} of {len(members)}")
            listing = {
                "title": title if number == 1 else f"{title}, page {number}",
                "intro": group.intro, "studies": chunk, "base": page_base, "caption": caption, "paged": paged,
                "pagination": _pagination(f"Pages of {title.lower()}", number, len(chunks), first_url, page_url),
                "type_key": group.type_key, "outcome_key": group.outcome_key, "gap_cell": group.gap_cell,
            }
            yield (f"{folder}/index.md" if number == 1 else f"{folder}/{number}.md"), listing
