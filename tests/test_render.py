"""Each macro on a small input, compared with golden output; the escaping rules; determinism."""

from html import unescape
from pathlib import Path

import pytest

from markupsafe import Markup

from evidence_site.aggregate import Count, codebook_labels
from evidence_site.build import prepare
from evidence_site.citation import review_citations
from evidence_site.render import doi_url, environment, page_text, render_pages, safe_url

ENV = environment()  # one Jinja environment for the module, as the plugin keeps one a build

MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"


@pytest.fixture(scope="module")
def site():
    return prepare(MADEUP)


def call(macro: str, *args) -> str:
    template = ENV.from_string('{% import "_macros.md.j2" as m %}{{ m.' + macro + "(*args) }}")
    return template.render(args=args)


def labels(site):
    return codebook_labels(site.review)


def test_macros_golden(site, golden):
    alpha = next(s for s in site.studies if s["id"] == "alpha-2020")
    lab = labels(site)
    outputs = {
        "nr-none": call("nr", None),
        "nr-value": call("nr", "Denmark"),
        "count": call("count", Count(5, 6)),
        "count-small": call("count", Count(1, 3)),
        "count-missing": call("count", None),
        "effect": call("effect", "improved", lab),
        "effect-none": call("effect", None, lab),
        "quality": call("quality", "weak", lab),
        "study-name": call("study_name", alpha),
        "study-reference": call("study_reference", alpha["citation"]),
        "doi-link": call("doi_link", "10.1089/cyber.2016.0259"),
        "study-row": call("study_row", alpha, lab),
        "study-table": call("study_rows_table", [Markup(call("study_row", s, lab)) for s in site.studies],
                            "Transcribed included studies (4), one row per study"),
        "finding": call("finding", "type-therapy-based", call("count", Count(5, 6)), "Therapy-based studies.",
                        "findings/"),
        "comparison-table": call("comparison_table", site.summary.by_type, "Caption", "type-", "Type",
                                 site.summary.favourable, "not yet transcribed"),
    }
    for name, text in outputs.items():
        golden(f"macros/{name}.html", text + "\n")


def test_a_print_year_stands_beside_the_volume_it_belongs_to(site):
    """An article the review lists under its online year, printed later: the reference gives both years,
    and the exported citations carry the same note (the year stays the review's)."""
    from evidence_site.citation import bibtex, ris, study_csl

    alpha = next(s for s in site.studies if s["id"] == "alpha-2020")
    c = {**alpha["citation"], "year": 2019, "print_year": 2021, "volume": "24", "issue": "2", "pages": "259-275"}
    assert "2019 (online); print 2021;24(2):259-275." in call("study_reference", c)
    assert "(online)" not in call("study_reference", {**c, "print_year": 2019})
    assert "(online)" not in call("study_reference", {**c, "print_year": None})
    item = study_csl({**alpha, "citation": c})
    assert item["issued"] == {"date-parts": [[2019]]} and item["note"] == "Published online 2019; print issue 2021"
    assert 'note = "Published online 2019; print issue 2021"' in bibtex([item])
    assert "N1  - Published online 2019; print issue 2021" in ris([item])


def test_review_citation_matches_the_journal_citation_line():
    real = prepare(Path(__file__).resolve().parent.parent)
    cited = review_citations(real.review)
    assert cited["vancouver"] == ("Plackett R, Blyth A, Schartau P. The Impact of Social Media Use Interventions on "
                                  "Mental Well-Being: Systematic Review. J Med Internet Res 2023;25:e44922. "
                                  "doi: 10.2196/44922")
    assert cited["apa"] == ("Plackett, R., Blyth, A., & Schartau, P. (2023). The Impact of Social Media Use "
                            "Interventions on Mental Well-Being: Systematic Review. Journal of Medical Internet "
                            "Research, 25, e44922. https://doi.org/10.2196/44922")


@pytest.mark.parametrize("value, expected", [
    ("plain words, 5/6 (83%)", "plain words, 5/6 &#40;83%&#41;"),
    ("<script>alert(1)</script>", "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;"),
    ("{{ 7*7 }} {% if %}", "&#123;&#123; 7&#42;7 &#125;&#125; &#123;% if %&#125;"),
    ("[x](javascript:alert(1))", "&#91;x&#93;&#40;javascript:alert&#40;1&#41;&#41;"),
    ("# not a heading", "&#35; not a heading"),
    ("- not a list", "&#45; not a list"),
    ("1. not a list", "1&#46; not a list"),
    ("line one\n\nline two", "line one line two"),
    ("a | b", "a &#124; b"),
    ("Brown & Kuss", "Brown &#38; Kuss"),
    (None, "not reported"),
    (12, "12"),
])
def test_page_text(value, expected):
    assert str(page_text(value)) == expected


def test_urls_pass_one_allow_list():
    assert safe_url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&amp;c=2"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<b>") is None
    assert safe_url("http://") is None
    assert doi_url("10.1000/a b<c>") == "https://doi.org/10.1000/a%20b%3Cc%3E"
    assert doi_url("javascript:alert(1)") is None


def test_rendering_is_deterministic(site):
    first = render_pages(site.review, site.studies, site.summary)
    second = render_pages(site.review, site.studies, site.summary)
    assert first == second
    listings = sorted(p for p in first if p.startswith(("studies/type/", "studies/outcome/")))
    assert listings == sorted([f"studies/type/{k}/index.md" for k in ("therapy-based", "limiting-use", "abstinence")]
                              + [f"studies/outcome/{c['key']}/index.md" for c in site.review["codebook"]["outcomes"]]
                              # the two filled cells of the made-up gap map
                              + ["studies/type/limiting-use/outcome/anxiety/index.md",
                                 "studies/type/therapy-based/outcome/depression/index.md"])
    assert sorted(set(first) - set(listings)) == [
        "accessibility.md", "citation.md", "contribute.md",
        "figures/completeness.md", "figures/effect-direction.md", "figures/gap-map.md", "figures/prisma-flow.md",
        "figures/quality-by-study.md", "figures/quality-reported.md",
        "findings.md", "index.md", "limitations.md", "methods.md", "press.md",
        "studies/alpha-2020.md", "studies/beta-2021.md", "studies/delta-2023.md", "studies/gamma-2022.md",
        "studies/index.md", "whats-new.md"]
