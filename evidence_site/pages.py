"""The page registry: every page of the site declared once.

Each fixed page is one `Page`: its source path, template, title, navigation label, description,
social card, the structured data its <head> carries, its search policy and whether its address
is published. The navigation, the pages rendered, head tags, cards, the sitemap (MkDocs lists
every page it builds), the search index and the published-URL check all read it. The lists of
studies and the study pages are two families declared the same way (`LISTING`, `STUDY`).

Adding a page: one `Page` below and one template in templates/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .aggregate import codebook_labels, study_name
from .problems import Problem
from .render import PAGE_SIZE, study_listings

# Structured data a page's <head> can carry (metadata.py draws each).
HIGHWIRE = "highwire"  # Highwire Press citation_* tags for Zotero and Google Scholar
ARTICLE = "scholarly-article"  # schema.org ScholarlyArticle JSON-LD for the review
DATASET = "dataset"  # schema.org Dataset JSON-LD for the study data


@dataclass(frozen=True)
class Facts:
    """What the description and card texts read, computed once a build."""
    review: dict
    studies: list
    summary: dict
    labels: dict
    fav: dict
    overall: object
    included: int
    transcribed: int
    headline: str | None
    question: str
    quality: str


def facts(review: dict, studies: list[dict], summary: dict) -> Facts:
    labels = codebook_labels(review)
    fav = summary["favourable"]
    overall = summary["overall"][0]["reported"]
    included, transcribed = summary["included"], summary["transcribed"].n
    headline = (f"{overall.n} of {overall.of} studies were classed as {fav['label'].lower()}" if overall else None)
    question = review["methods"]["question"]
    rated = [q for q in summary["quality"] if q["reported"]]
    top_rating = max(rated, key=lambda q: q["reported"].n) if rated else None
    quality = (f"{top_rating['reported'].n} of {top_rating['reported'].of} studies were rated "
               f"{top_rating['label'].lower()} quality." if top_rating else "")
    return Facts(review, studies, summary, labels, fav, overall, included, transcribed, headline, question, quality)


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
    return (f"A plain-language summary of a systematic review of {f.included} studies: {f.question} "
            + (f"{f.headline}. " if f.headline else "") + f.quality)


def index_card(f: Facts):
    overall, fav = f.overall, f.fav
    return (f"{overall.n}/{overall.of} ({overall.percent}%)", f"of studies were classed as {fav['label'].lower()}"
            f" (95% CI {overall.interval[0]}–{overall.interval[1]}%)") if overall else None


def findings_description(f: Facts) -> str:
    return ("The review's counts by type of intervention and by outcome, with 95% confidence intervals, "
            f"beside what the {f.transcribed} transcribed study files show.")


def findings_card(f: Facts):
    best = [t for t in f.summary["by_type"] if t["reported_favourable"]]
    if not best:
        return None
    top = max(best, key=lambda t: t["reported_favourable"].n / t["reported_favourable"].of)
    c = top["reported_favourable"]
    return (f"{c.n}/{c.of} ({c.percent}%)", f"{top['label']} studies classed as {f.fav['label'].lower()}")


def press_description(f: Facts) -> str:
    return "Key findings with permanent links, the caveats to keep with them, and the citation and DOI."


def studies_description(f: Facts) -> str:
    transcribed, included = f.transcribed, f.included
    return (f"All {transcribed} transcribed included studies of the review ({transcribed} of {included}) "
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


def listing_description(listing: dict) -> str:
    return f"{listing['caption']}: a table of the transcribed studies, with a page for each."


def study_description(f: Facts, study: dict, kind: str, effect: str) -> str:
    return (f"{study_name(study)}: {study['citation']['title']}. {kind} study, one of the {f.included} "
            f"in the review; the review's classification: {effect.lower()}.")


def study_card(study: dict, kind: str, effect: str):
    size = study["sample"]["size"]
    return (effect, "The review's overall classification. " + f"{kind} study"
            + (f", {size:,} participants." if size else "."))


def type_card(f: Facts, group: dict):
    c = group["reported_favourable"]
    return (f"{c.n}/{c.of} ({c.percent}%)", f"classed as {f.fav['label'].lower()}") if c else None


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
)

# The two families of generated pages: the per-type and per-outcome lists of studies (and the
# further pages of every list), and one page per study. Neither is in the navigation.
LISTING = Page("studies/type/{key}/index.md", "study-list.md.j2", _fixed(""), None, _fixed(""), search=False,
               og_type="article")
STUDY = Page("studies/{id}.md", "study.md.j2", _fixed(""), None, _fixed(""), og_type="article")

# Drawing a social card takes about 25 ms. Past page_size studies, study pages share one card per
# intervention type, so a review of thousands of studies still builds in seconds.


def nav(registry: tuple[Page, ...] = PAGES) -> list[dict]:
    """The MkDocs navigation: the registry's pages that have a label, in order."""
    return [{page.nav: page.path} for page in registry if page.nav]


def page_info(review: dict, studies: list[dict], summary: dict, registry: tuple[Page, ...] = PAGES,
              page_size: int = PAGE_SIZE) -> dict[str, dict]:
    """For each generated page: its registry entry (or family), title, plain-text description,
    the key figure its social card shows, and the card's file name."""
    f = facts(review, studies, summary)
    info = {page.path: {"page": page, "title": page.title(f), "description": page.description(f), "card": page.card(f)}
            for page in registry}
    for path, listing in study_listings(review, studies, summary, page_size):
        if path not in info:
            info[path] = {"page": LISTING, "title": listing["title"], "card": None,
                          "description": listing_description(listing)}
    for key, page in info.items():
        page["card_file"] = key.removesuffix(".md").removesuffix("/index")
    by_type = {t["key"]: t for t in summary["by_type"]}
    for study in studies:
        effect = f.labels["effects"][study["overall_effect"]]["label"] if study["overall_effect"] else "not reported"
        kind = f.labels["intervention_types"][study["intervention"]["type"]]["label"]
        page = {"page": STUDY, "title": study_name(study), "description": study_description(f, study, kind, effect),
                "card": study_card(study, kind, effect), "card_file": f"studies/{study['id']}"}
        if len(studies) > page_size:  # one card per intervention type instead of one per study
            group = by_type[study["intervention"]["type"]]
            page["card_title"] = f"{kind} studies"
            page["card"] = type_card(f, group)
            page["card_file"] = f"types/{group['key']}"
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
