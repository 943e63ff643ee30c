"""Render the site's pages (Markdown with small HTML blocks) from Jinja templates.

Escaping is done in one place, `page_text`: every value a template prints passes through it
(Jinja's `finalize`), so text from a data file can never become Markdown, HTML or Jinja
syntax. Links to other sites pass one allow-list (`safe_url`).
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import PACKAGE_DIR
from .cards import SOURCE_SEP
from .charts import build_charts, effect_direction, svg_number
from .aggregate import Missing, changes, codebook_labels, present_review, present_study, study_name
from .citation import review_citations
from .fields import study_fields
from .load import load_bytes
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
    """Mark a large block of finished HTML (a table, a figure) so the MkDocs hook can keep it out of
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


def join_list(values) -> str | None:
    if not values:
        return None
    return ", ".join(str(v) for v in values)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(value):
    """2022-07-31 -> 31 July 2022 (anything else, such as a missing date, passes through unchanged)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value)) if isinstance(value, str) or hasattr(value, "month") else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        return value
    return f"{int(match.group(3))} {_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"


def more_or_less(count) -> str:
    """How n of N compares with half, in words: 'fewer than half', 'half', 'more than half', 'all'."""
    if count.n == count.of:
        return "all"
    return "fewer than half" if 2 * count.n < count.of else "half" if 2 * count.n == count.of else "more than half"


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
                       preformatted=preformatted, study_name=study_name,
                       path=relative_path, html_block=html_block, permalink=permalink)
    env.filters["num"] = svg_number  # chart coordinates: a number, never text
    env.filters.update(plural=plural, long_date=long_date, more_or_less=more_or_less)
    env.tests["missing"] = lambda value: value is None or isinstance(value, Missing)
    return env


_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = environment()  # templates compile once per process
    return _ENV


def render_pages(review: dict, studies: list[dict], summary: dict, example_text: str = "",
                 site_url: str = "") -> dict[str, str]:
    """Every generated page as {source path under docs/: Markdown text}.

    example_text is the text of one study file, shown as the worked example on /contribute/;
    site_url (the published address, if known) makes the press page's permalinks absolute.
    """
    env = _env()
    labels = codebook_labels(review)
    views = {s["id"]: present_study(s) for s in studies}  # nulls carry their reason (aggregate.Missing)
    context = {"review": present_review(review), "studies": studies, "summary": summary, "labels": labels,
               "citations": review_citations(review, studies)}
    paged = len(studies) > PAGE_SIZE
    context["charts"] = build_charts(review, studies, summary, per_study=not paged)  # computed once
    context["paged"] = paged
    pages = {}
    context.update(site_url=site_url, report=reporter(review, site_url),
                   check_example=check_example(example_text, review["codebook"], studies),
                   changes=changes(studies)[:PAGE_SIZE], fields=study_fields(review["codebook"]),
                   example=studies[0] if studies else None, example_text=example_text)
    for name in ("index", "findings", "press", "limitations", "methods", "citation", "whats-new", "contribute"):
        pages[f"{name}.md"] = env.get_template(f"{name}.md.j2").render(context)
    row_macro, row_cache = env.get_template("_macros.md.j2").module.study_row, {}

    def rows(chunk: list[dict], base: str) -> list[Markup]:
        # Each study's row is rendered once, with a placeholder for the path back to /studies/;
        # study data cannot contain 'href="' (quotes are escaped), so only the link is rewritten.
        out = []
        for study in chunk:
            if study["id"] not in row_cache:
                row_cache[study["id"]] = str(row_macro(views[study["id"]], labels, _BASE))
            out.append(Markup(row_cache[study["id"]].replace(f'href="{_BASE}', f'href="{base}')))
        return out

    for path, listing in study_listings(review, studies, summary):
        listing["rows"] = rows(listing["studies"], listing["base"])
        if path == "studies/index.md":
            pages[path] = env.get_template("studies.md.j2").render(context, listing=listing)
        else:
            plot = (effect_direction(review, listing["studies"], summary, listing["type_key"])
                    if listing["type_key"] and listing["studies"] else None)
            pages[path] = env.get_template("study-list.md.j2").render(context, listing=listing, plot=plot)
    study_template = env.get_template("study.md.j2")
    for study in studies:
        if not _SAFE_ID.fullmatch(str(study["id"])):  # validation refuses such ids; an id never becomes a path
            raise ValueError(f"study id {study['id']!r} cannot name a page")
        pages[f"studies/{study['id']}.md"] = study_template.render(context, study=views[study["id"]])
    return pages


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


def study_listings(review: dict, studies: list[dict], summary: dict):
    """(source path, listing) for /studies/ and the per-type and per-outcome lists, each split into
    pages of PAGE_SIZE rows, so no page grows with the number of studies."""
    paged = len(studies) > PAGE_SIZE
    groups = [("studies", "", "Studies", "All transcribed studies.", studies, None)]
    for t in summary["by_type"]:
        mine = [s for s in studies if s["intervention"]["type"] == t["key"]]
        groups.append((f"studies/type/{t['key']}", "../../", f"{t['label']} studies",
                       f"{t['definition']} {plural(len(mine), 'transcribed study', 'transcribed studies')} "
                       f"{'is' if len(mine) == 1 else 'are'} of this type.", mine, t["key"]))
    for o in summary["by_outcome"]:
        mine = [s for s in studies if any(x["domain"] == o["key"] for x in s["outcomes"] or [])]
        groups.append((f"studies/outcome/{o['key']}", "../../", f"Studies that measured {o['label'].lower()}",
                       f"{o['definition']} {plural(len(mine), 'transcribed study', 'transcribed studies')} measured it.", mine, None))
    for folder, base, title, intro, members, type_key in groups:
        chunks = [members[i:i + PAGE_SIZE] for i in range(0, len(members), PAGE_SIZE)] or [[]]
        for number, chunk in enumerate(chunks, 1):
            page_base = base if number == 1 else base + "../"
            first_url = "./" if number == 1 else "../"
            def page_url(n, number=number):
                return f"{n}/" if number == 1 else f"../{n}/"
            first = (number - 1) * PAGE_SIZE + 1
            caption = (f"{title}: {plural(len(members), 'study', 'studies')}" if len(chunks) == 1 else
                       f"{title}: studies {first} to {first + len(chunk) - 1} of {len(members)}")
            listing = {
                "title": title if number == 1 else f"{title}, page {number}",
                "intro": intro, "studies": chunk, "base": page_base, "caption": caption, "paged": paged,
                "pagination": _pagination(f"Pages of {title.lower()}", number, len(chunks), first_url, page_url),
                "type_key": type_key,
            }
            yield (f"{folder}/index.md" if number == 1 else f"{folder}/{number}.md"), listing


# Drawing a social card takes about 25 ms. Past this many studies, study pages share one card per
# intervention type, so a review of thousands of studies still builds in seconds.
CARDS_PER_STUDY_LIMIT = PAGE_SIZE


def card_source(review: dict, site_url: str | None = None) -> str:
    """Where a card's figure comes from: the review, its journal and year, and this site's address (the
    caption puts cards.SOURCE_SEP before it)."""
    c = review["citation"]
    families = [a["family"] for a in c["authors"]]
    who = families[0] if len(families) == 1 else (
        f"{families[0]} and {families[1]}" if len(families) == 2 else f"{families[0]} et al")
    site_url = os.environ.get("SITE_URL", "") if site_url is None else site_url
    where = urlsplit(site_url)
    address = (where.netloc + where.path).rstrip("/") if where.netloc else ""
    return (f"{who}, {c.get('journal_abbrev') or c['journal']} {c['year']}"
            + (f"; {address}" if address else "") + ".")


def page_info(review: dict, studies: list[dict], summary: dict, site_url: str | None = None) -> dict[str, dict]:
    """For each generated page: a plain-text description, and the key figure its social card shows.

    Every card follows one rule: its figure is a count the review reports (never a missing value
    and never an interval), its caption says so in a sentence, adds the quality caveat when the
    review gives one, and ends with the source (see cards.SOURCE).
    """
    labels = codebook_labels(review)
    words = review["site"]
    fav = summary["favourable"]
    verb = fav["label"].lower()
    overall = summary["overall"][0]["reported"]
    included, transcribed = summary["included"], summary["transcribed"].n
    outcome = words.get("outcome") or "the outcome"
    headline = (f"The review reports that {outcome} {verb} in {overall.n} of the {overall.of} studies." if overall else "")
    question = review["methods"]["question"]
    rated = [q for q in summary["quality"] if q["reported"]]
    top_rating = max(rated, key=lambda q: q["reported"].n) if rated else None
    quality = (f"The review rated {top_rating['reported'].n} of the {top_rating['reported'].of} studies "
               f"{top_rating['label'].lower()} quality." if top_rating else "")
    source = card_source(review, site_url)
    kind = words.get("study_kind") or "studies"

    def card(count, sentence):
        """(figure, caption) for a count the review reports, or None when the review's figure is missing."""
        if not count:
            return None
        return f"{count.n} of {count.of}", " ".join(p for p in (sentence, quality) if p) + SOURCE_SEP + source

    info = {
        "index.md": {
            "title": question,
            "description": f"A plain-language summary of a systematic review of {included} {kind}. {question} "
                           + " ".join(p for p in (headline, quality) if p),
            "card": card(overall, f"studies found that {outcome} {verb}, the review reports."),
        },
        "findings.md": {
            "title": "Findings",
            "description": "What the review reports by type of intervention and by outcome, beside what the "
                           f"{plural(transcribed, 'study file')} here show. Intervals are calculated by this site.",
            "card": None,
        },
        "press.md": {
            "title": "For journalists",
            "description": "Key findings in sentences you can quote, each with its permanent link, the caveats to keep "
                           "with them, and the citation and DOI.",
            "card": None,
        },
        "studies/index.md": {
            "title": "Studies",
            "description": f"The {transcribed} of the review's {included} included studies transcribed so far, "
                           "in one table, with a page for each.",
            "card": None,
        },
        "limitations.md": {"title": "Limitations", "card": None,
                           "description": "Why the review's results are uncertain: study quality, who took part, and "
                                          "how complete this site's study data is."},
        "methods.md": {"title": "Methods", "card": None,
                       "description": "How the review searched for, selected and judged its studies."},
        "citation.md": {"title": "Citation", "card": None,
                        "description": "How to cite the review (Vancouver, APA, BibTeX, RIS) and this site's data."},
        "whats-new.md": {"title": "What's new", "card": None,
                         "description": "Studies added to or updated on this site, newest first, with an Atom feed."},
        "contribute.md": {"title": "Add a study", "card": None,
                          "description": "How to add or correct a study by pull request, with the field reference "
                                         "generated from the schema."},
    }
    best = [t for t in summary["by_type"] if t["reported_favourable"] and t["reported_favourable"].of]
    if best:
        top = max(best, key=lambda t: t["reported_favourable"].n / t["reported_favourable"].of)
        info["findings.md"]["card"] = card(top["reported_favourable"],
                                           f"studies of {top['label'].lower()} interventions found that {outcome} "
                                           f"{verb}, the review reports.")
    info["press.md"]["card"] = info["index.md"]["card"]
    for path, listing in study_listings(review, studies, summary):
        if path != "studies/index.md":
            info[path] = {"title": listing["title"], "card": None,
                          "description": f"{listing['caption']}: a table of the transcribed studies, with a page for each."}
    for key, page in info.items():
        page["card_file"] = key.removesuffix(".md").removesuffix("/index")
    by_type = {t["key"]: t for t in summary["by_type"]}
    for study in studies:
        effect = labels["effects"][study["overall_effect"]]["label"] if study["overall_effect"] else None
        kind_label = labels["intervention_types"][study["intervention"]["type"]]["label"]
        size = study["sample"]["size"]
        verdict = (f"The review classed it as {effect.lower()}." if effect
                   else "The review's classification of it is not yet transcribed.")
        page = {
            "title": study_name(study),
            "description": f"{study_name(study)}: {study['citation']['title']}. A study of {kind_label.lower()} "
                           "interventions" + (f" with {size:,} participants" if size else "")
                           + f", one of the {included} in the review. {verdict}",
            "card": (effect, " ".join(p for p in (
                f"is the review's classification of this study of {kind_label.lower()} interventions"
                + (f" ({size:,} participants)" if size else "") + f", one of {included}.", quality) if p)
                + SOURCE_SEP + source) if effect else None,
            "card_file": f"studies/{study['id']}",
        }
        if len(studies) > CARDS_PER_STUDY_LIMIT:  # one card per intervention type instead of one per study
            group = by_type[study["intervention"]["type"]]
            page["card_title"] = f"{kind_label} studies"
            page["card"] = card(group["reported_favourable"], f"studies of this type found that {outcome} {verb}, the review reports.")
            page["card_file"] = f"types/{group['key']}"
        info[f"studies/{study['id']}.md"] = page
    return info
