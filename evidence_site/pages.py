"""The page registry: every page of the site declared once.

Each fixed page is one `Page`: its source path, template, title, navigation label, description,
social card, the structured data its <head> carries, its search policy and whether its address
is published. The navigation, the pages rendered, head tags, cards, the sitemap (MkDocs lists
every page it builds), the search index and the published-URL check all read it. The lists of
studies and the study pages are two families declared the same way (`LISTING`, `STUDY`).

Adding a page: one `Page` below and one template in templates/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from .aggregate import Category, Count, GroupRow, Missing, Summary, codebook_labels, study_missing, study_name
from .cards import SOURCE_SEP
from .problems import Problem
from .render import PAGE_SIZE, an_intervention, plural, study_listings

# Structured data a page's <head> can carry (metadata.py draws each).
HIGHWIRE = "highwire"  # Highwire Press citation_* tags for Zotero and Google Scholar
ARTICLE = "scholarly-article"  # schema.org ScholarlyArticle JSON-LD for the review
DATASET = "dataset"  # schema.org Dataset JSON-LD for the study data


@dataclass(frozen=True)
class Facts:
    """What the description and card texts read, computed once a build."""
    review: dict
    studies: list
    summary: Summary
    labels: dict
    fav: Category
    overall: Count | Missing  # the review's count of studies in the favourable class
    included: int
    transcribed: int
    headline: str
    question: str
    quality: str
    verb: str  # the favourable class in lower case ("improved")
    outcome: str  # the review's outcome in words ("mental well-being")
    kind: str  # what the review's studies are ("experimental studies")
    source: str  # where a card's figure comes from (card_source)


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


def facts(review: dict, studies: list[dict], summary: Summary, site_url: str | None = None) -> Facts:
    labels = codebook_labels(review)
    words = review["site"]
    fav = summary.favourable
    verb = fav.label.lower()
    overall = summary.overall[0].reported
    included, transcribed = summary.included, summary.transcribed.n
    outcome = words.get("outcome") or "the outcome"
    headline = (f"The review reports that {outcome} {verb} in {overall.n} of the {overall.of} studies."
                if overall else "")
    question = review["methods"]["question"]
    rated = [q for q in summary.quality if q.reported]
    top_rating = max(rated, key=lambda q: q.reported.n) if rated else None
    quality = (f"The review rated {top_rating.reported.n} of the {top_rating.reported.of} studies "
               f"{top_rating.label.lower()} quality." if top_rating else "")
    return Facts(review, studies, summary, labels, fav, overall, included, transcribed, headline, question, quality,
                 verb, outcome, words.get("study_kind") or "studies", card_source(review, site_url))


def count_card(f: Facts, count, sentence: str):
    """Every card follows one rule: its figure is a count the review reports (never a missing value
    and never an interval), its caption says so in a sentence, adds the quality caveat when the
    review gives one, and ends with the source (see cards.SOURCE_SEP)."""
    if not count:
        return None
    return f"{count.n} of {count.of}", " ".join(p for p in (sentence, f.quality) if p) + SOURCE_SEP + f.source


def _no_card(f: Facts):
    return None


@dataclass(frozen=True)
class Page:
    path: str  # source path under docs/, e.g. findings.md (its address is /findings/)
    template: str  # in templates/
    title: Callable[[Facts], str]  # the title head tags and the social card show
    nav: str | None  # label in the navigation; None keeps the page out of it
    description: Callable[[Facts], str]
    card: Callable[[Facts], tuple | None] = _no_card  # (figure, caption) drawn on its social card, or None
    structured: tuple[str, ...] = ()  # HIGHWIRE, ARTICLE, DATASET
    search: bool = True  # False: left out of the search index
    published: bool = True  # its address is listed in published-urls.txt and must keep working
    og_type: str = "website"

    @property
    def url(self) -> str:
        return url_of(self.path)


def url_of(path: str) -> str:
    """The address of a source path: index.md -> /, findings.md -> /findings/, studies/index.md -> /studies/."""
    stem = path.removesuffix(".md").removesuffix("index").rstrip("/")
    return f"/{stem}/" if stem else "/"


def _fixed(title: str) -> Callable[[Facts], str]:
    return lambda f: title


# The texts below are the pages' descriptions and card captions.

def index_description(f: Facts) -> str:
    return (f"A plain-language summary of a systematic review of {f.included} {f.kind}. {f.question} "
            + " ".join(p for p in (f.headline, f.quality) if p))


def index_card(f: Facts):
    return count_card(f, f.overall, f"studies found that {f.outcome} {f.verb}, the review reports.")


def findings_description(f: Facts) -> str:
    return ("What the review reports by type of intervention and by outcome, beside what the "
            f"{plural(f.transcribed, 'study file')} here show. Intervals are calculated by this site.")


def findings_card(f: Facts):
    best = [t for t in f.summary.by_type if t.reported_favourable and t.reported_favourable.of]
    if not best:
        return None
    top = max(best, key=lambda t: t.reported_favourable.n / t.reported_favourable.of)
    return count_card(f, top.reported_favourable, f"studies of {top.label.lower()} interventions found that "
                      f"{f.outcome} {f.verb}, the review reports.")


def press_description(f: Facts) -> str:
    return ("Key findings in sentences you can quote, each with its permanent link, the caveats to keep "
            "with them, and the citation and DOI.")


def studies_description(f: Facts) -> str:
    return (f"The {f.transcribed} of the review's {f.included} included studies transcribed so far, "
            "in one table, with a page for each.")


def limitations_description(f: Facts) -> str:
    return ("Why the review's results are uncertain: study quality, who took part, and "
            "how complete this site's study data is.")


def methods_description(f: Facts) -> str:
    return "How the review searched for, selected and judged its studies."


def citation_description(f: Facts) -> str:
    return "How to cite the review (Vancouver, APA, BibTeX, RIS) and this site's data."


def whats_new_description(f: Facts) -> str:
    return "Studies added to or updated on this site, newest first, with an Atom feed."


def contribute_description(f: Facts) -> str:
    return ("How to add or correct a study by pull request, with the field reference "
            "generated from the schema.")


def accessibility_description(f: Facts) -> str:
    return ("How accessible this site is: the standard it aims for (WCAG 2.2 AA), what is tested and how, "
            "known limitations, the date of the last check, and how to report a barrier.")


def listing_description(listing: dict) -> str:
    return f"{listing['caption']}: a table of the transcribed studies, with a page for each."


def study_description(f: Facts, study: dict, kind: str, effect: str | None) -> str:
    size = study["sample"]["size"]
    verdict = (f"The review classed it as {effect.lower()}." if effect
               else f"The review's classification of it is {study_missing(study, 'overall_effect')}.")
    return (f"{study_name(study)}: {study['citation']['title']}. A study of {an_intervention(kind)}"
            + (f" with {size:,} participant{'' if size == 1 else 's'}" if size else "")
            + f", one of the {f.included} in the review. {verdict}")


def study_card(f: Facts, study: dict, kind: str, effect: str | None):
    """The review's classification of the study, never a missing value: no classification, no card."""
    if not effect:
        return None
    size = study["sample"]["size"]
    return (effect, " ".join(p for p in (
        f"is the review's classification of this study of {an_intervention(kind)}"
        + (f" ({size:,} participants)" if size else "") + f", one of {f.included}.", f.quality) if p)
        + SOURCE_SEP + f.source)


def type_card(f: Facts, group: GroupRow):
    return count_card(f, group.reported_favourable, f"studies of this type found that {f.outcome} {f.verb}, "
                      "the review reports.")


PAGES: tuple[Page, ...] = (
    Page("index.md", "index.md.j2", lambda f: f.question, "Summary", index_description, index_card,
         (HIGHWIRE, ARTICLE)),
    Page("findings.md", "findings.md.j2", _fixed("Findings"), "Findings", findings_description, findings_card),
    Page("press.md", "press.md.j2", _fixed("For journalists"), "For journalists", press_description, index_card,
         (HIGHWIRE, ARTICLE)),
    # The first page of the study list (templates/studies.md.j2 gets the listing, like LISTING pages).
    Page("studies/index.md", "studies.md.j2", _fixed("Studies"), "Studies", studies_description,
         structured=(DATASET,), og_type="article"),
    Page("limitations.md", "limitations.md.j2", _fixed("Limitations"), "Limitations", limitations_description),
    Page("methods.md", "methods.md.j2", _fixed("Methods"), "Methods", methods_description),
    Page("citation.md", "citation.md.j2", _fixed("Citation"), "Citation", citation_description,
         structured=(HIGHWIRE, ARTICLE, DATASET)),
    Page("whats-new.md", "whats-new.md.j2", _fixed("What's new"), "What's new", whats_new_description),
    Page("contribute.md", "contribute.md.j2", _fixed("Add a study"), "Add a study", contribute_description),
    # Linked from every page's footer (overrides/partials/copyright.html), not from the navigation.
    Page("accessibility.md", "accessibility.md.j2", _fixed("Accessibility statement"), None,
         accessibility_description),
)

# The two families of generated pages: the per-type and per-outcome lists of studies (and the
# further pages of every list), and one page per study. Neither is in the navigation.
LISTING = Page("studies/type/{key}/index.md", "study-list.md.j2", _fixed(""), None, _fixed(""), search=False,
               og_type="article")
STUDY = Page("studies/{id}.md", "study.md.j2", _fixed(""), None, _fixed(""), og_type="article")
# A page to embed for each figure the build draws (evidence_site/reuse.py): kept out of search.
FIGURE = Page("figures/{slug}.md", "figure.md.j2", _fixed(""), None, _fixed(""), search=False)

# Drawing a social card takes about 25 ms. Past page_size studies, study pages share one card per
# intervention type, so a review of thousands of studies still builds in seconds.


def nav(registry: tuple[Page, ...] = PAGES) -> list[dict]:
    """The MkDocs navigation: the registry's pages that have a label, in order."""
    return [{page.nav: page.path} for page in registry if page.nav]


def page_info(review: dict, studies: list[dict], summary: Summary, registry: tuple[Page, ...] = PAGES,
              page_size: int = PAGE_SIZE, site_url: str | None = None,
              figures: list | None = None) -> dict[str, dict]:
    """For each generated page: its registry entry (or family), title, plain-text description,
    the key figure its social card shows, and the card's file name. figures: the (Figure, chart)
    pairs this build exports (reuse.exported), each with a page to embed."""
    f = facts(review, studies, summary, site_url)
    info = {page.path: {"page": page, "title": page.title(f), "description": page.description(f), "card": page.card(f)}
            for page in registry}
    for path, listing in study_listings(review, studies, summary, page_size):
        if path not in info:
            info[path] = {"page": LISTING, "title": listing["title"], "card": None,
                          "description": listing_description(listing)}
    for key, page in info.items():
        page["card_file"] = key.removesuffix(".md").removesuffix("/index")
    for figure, chart in figures or []:
        info[f"figures/{figure.slug}.md"] = {"page": FIGURE, "title": chart.title, "card": None,
                                             "description": chart.caption}
        info[f"figures/{figure.slug}.md"]["card_file"] = f"figures/{figure.slug}"
    by_type = {t.key: t for t in summary.by_type}
    for study in studies:
        effect = f.labels["effects"][study["overall_effect"]]["label"] if study["overall_effect"] else None
        kind = f.labels["intervention_types"][study["intervention"]["type"]]["label"]
        page = {"page": STUDY, "title": study_name(study), "description": study_description(f, study, kind, effect),
                "card": study_card(f, study, kind, effect), "card_file": f"studies/{study['id']}"}
        if len(studies) > page_size:  # one card per intervention type instead of one per study
            group = by_type[study["intervention"]["type"]]
            page["card_title"] = f"{kind} studies"
            page["card"] = type_card(f, group)
            page["card_file"] = f"types/{group.key}"
        info[f"studies/{study['id']}.md"] = page
    return info


def unlisted(published: list[tuple[int, str]], registry: tuple[Page, ...] = PAGES,
             name: str = "published-urls.txt") -> list[Problem]:
    """Where published-urls.txt and the registry disagree: a published page it does not list, or a
    line for a page the registry does not publish."""
    listed = {url: number for number, url in published}
    end = max(listed.values(), default=0) + 1
    problems = []
    for page in registry:
        if page.published and page.url not in listed:
            problems.append(Problem(name, end, 1, page.url, f"the page registry (evidence_site/pages.py) publishes "
                                    f"{page.path} but this file does not list its address; add the line", "url-unlisted"))
        elif not page.published and page.url in listed:
            problems.append(Problem(name, listed[page.url], 1, page.url, f"the page registry marks {page.path} as not "
                                    "published (published=False); remove the line, or publish the page",
                                    "url-unpublished"))
    return problems
