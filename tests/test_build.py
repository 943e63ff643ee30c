"""A real `mkdocs build --strict` of the real project, and the built HTML checked page by page."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
STUDY_IDS = sorted(p.stem for p in (ROOT / "studies").glob("*.yml"))


@pytest.fixture(scope="module")
def data():
    """The real review and study files as the site reads them: the expected counts come from here, so
    the tests hold whatever the study files say (exact figures are tested on the made-up review)."""
    from evidence_site.build import prepare

    return prepare(ROOT)


def transcribed(data, kind: str) -> int:
    return sum(s["intervention"]["type"] == kind for s in data.studies)


BLOCKS = {"p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "br", "caption", "pre", "title"}


class Page(HTMLParser):
    """The visible text (block elements separated by a space), ids and links of one built page."""

    def __init__(self, path: Path):
        super().__init__()
        self.ids, self.links, self.chunks, self.title = set(), [], [], ""
        self._skip = self._in_title = False
        self.feed(path.read_text(encoding="utf-8"))
        self.text = " ".join("".join(self.chunks).replace("¶", "").split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], attrs.get("rel")))
        if tag in BLOCKS:
            self.chunks.append(" ")
        self._skip = tag in ("script", "style")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.chunks.append(" ")
        self._skip = self._in_title = False

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)
        if self._in_title:
            self.title += data


def page(site: Path, url: str) -> Page:
    return Page(site / url.strip("/") / "index.html" if url != "/" else site / "index.html")


@pytest.mark.parametrize("url", ["/", "/findings/", "/studies/", "/limitations/", "/methods/", "/citation/"]
                         + [f"/studies/{i}/" for i in STUDY_IDS])
def test_every_page_exists(built_site, url):
    assert page(built_site, url).text


def test_one_page_per_study_file_and_nothing_else(built_site):
    built = sorted(p.name for p in (built_site / "studies").iterdir() if p.is_dir() and p.name not in ("type", "outcome"))
    assert built == STUDY_IDS


def test_home_page_headline_figures(built_site, data):
    home = page(built_site, "/")
    # The review's own figures (from review.yml, which a study pull request does not change).
    # Intervals are this site's and say so; the plain count of weak studies has none.
    for figure in ["9/23 (39%; 95% CI 22–59%, calculated by this site)", "5/6 (83%; 95% CI 44–97%, calculated by this site)",
                   "1/5 (20%; 95% CI 4–62%, calculated by this site)", "3/12 (25%; 95% CI 9–53%, calculated by this site)",
                   "7/10 (70%; 95% CI 40–89%, calculated by this site)"]:
        assert figure in home.text
    assert ("The review rated 22 of the 23 studies weak quality on the EPHPP tool and names selection bias as the "
            "most common weakness.") in home.text
    # the review's three classes side by side, so "improved in 9" never reads as "the other 14 found nothing"
    assert ("Mental well-being improved in 9 of the 23 studies, the review reports; it classed 7 as mixed and 7 as "
            "no effect.") in home.text
    assert "the review's authors conclude." in home.text  # the conclusions are the authors', not this site's
    included = data.review["reported"]["included_studies"]
    if len(data.studies) < included:
        assert f"So far {len(data.studies)} of the {included} studies are transcribed" in home.text
    assert {"overall", "type-therapy-based", "type-limiting-use", "type-abstinence", "outcome-depression",
            "quality-caveat", "quality-weak", "completeness"} <= home.ids
    assert ("https://doi.org/10.2196/44922", "noopener") in home.links


def test_findings_anchors_and_both_sets_of_figures(built_site, data):
    findings = page(built_site, "/findings/")
    assert {"overall", "type-therapy-based", "type-limiting-use", "type-abstinence", "outcome-depression",
            "outcome-loneliness", "overall-improved", "by-intervention-type", "by-outcome"} <= findings.ids
    # The review's figure for each type, then the number of study files here.
    for label, figure in [("Therapy-based", "6 5/6 (83%; 95% CI 44–97%, calculated by this site)"),
                          ("Limiting-use", "5 1/5 (20%; 95% CI 4–62%, calculated by this site)"),
                          ("Abstinence", "12 3/12 (25%; 95% CI 9–53%, calculated by this site)")]:
        key = next(t["key"] for t in data.review["codebook"]["intervention_types"] if t["label"] == label)
        assert f"{label} {figure} {transcribed(data, key)}" in findings.text
    assert "The review's count for loneliness is not yet transcribed." in findings.text
    assert ("In 5 of the 6 studies of therapy-based interventions, mental well-being improved, the review reports"
            in findings.text)


def test_studies_page_table_and_completeness(built_site, data):
    studies = page(built_site, "/studies/")
    assert set(STUDY_IDS) <= studies.ids
    for row in data.summary.by_type:
        n, reported = transcribed(data, row.key), row.reported["studies"]
        assert f"{row.label} {reported} {n} {reported - n}" in studies.text
    included = data.review["reported"]["included_studies"]
    assert f"The review included {included} studies. {len(data.studies)} of them are transcribed here." in studies.text
    hrefs = [h for h, _ in studies.links]
    # readers get one plain line and a link to the contributor guide, not its commands and field names
    assert "add-a-study" in studies.ids and "../contribute/" in hrefs
    assert "build_site.py" not in studies.text and "null" not in studies.text and "inferred" not in studies.text
    assert all(f"{i}/" in hrefs for i in STUDY_IDS)


def test_study_page_content(built_site):
    brown = page(built_site, "/studies/brown-2020/")
    assert brown.title.startswith("Brown and Kuss (2020) - ")
    assert ("https://doi.org/10.3390/ijerph17124566", "noopener") in brown.links
    assert "Fear of Missing Out, Mental Wellbeing, and Social Connectedness" in brown.text
    for path in sorted((ROOT / "studies").glob("*.yml")):  # each null shows its reason (not yet transcribed by default)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = page(built_site, f"/studies/{path.stem}/").text
        why = {entry["field"]: entry["status"].replace("-", " ") for entry in data.get("missing") or []}
        size = data["sample"]["size"]
        assert f"Participants {f'{size:,}' if size is not None else why.get('sample.size', 'not yet transcribed')}" \
            in text.replace("the sources disagree", "sources disagree"), path.name
        if data["intervention"]["platforms"] is None:
            assert f"Platforms {why.get('intervention.platforms', 'not yet transcribed')}" in text, path.name
        if data["overall_effect"] is None:
            assert f"Review's overall classification {why.get('overall_effect', 'not yet transcribed')}" in text
        if data["outcomes"] is None:
            assert f"Outcomes {why.get('outcomes', 'not yet transcribed').capitalize()}." in text, path.name
    for path in sorted((ROOT / "studies").glob("*.yml")):  # holds for any valid data
        doi = yaml.safe_load(path.read_text(encoding="utf-8"))["citation"]["doi"]
        study = page(built_site, f"/studies/{path.stem}/")
        assert (f"https://doi.org/{doi}", "noopener") in study.links if doi else "no DOI found" in study.text


def test_limitations_methods_citation(built_site, data):
    limitations = page(built_site, "/limitations/")
    assert "22/23 (96%)" in limitations.text and "16/23 (70%)" in limitations.text  # plain facts: no interval
    assert {"weak-quality", "selection-bias", "student-samples", "quality", "quality-weak", "site-data"} \
        <= limitations.ids
    methods = page(built_site, "/methods/")
    assert "Records found by the searches 2,785" in methods.text and "Studies included 23" in methods.text
    # where the headline figures were read (reported.source), which no page showed
    assert "Where the review's figures were read" in methods.text and "figures-source" in methods.ids
    assert " ".join(data.review["reported"]["source"].split()) in methods.text
    assert "Duplicates removed not yet transcribed" in methods.text and "not reported" not in methods.text.split("does not give.")[1]
    citation = page(built_site, "/citation/")
    assert ("Plackett R, Blyth A, Schartau P. The Impact of Social Media Use Interventions on Mental Well-Being: "
            "Systematic Review. J Med Internet Res 2023;25:e44922. doi: 10.2196/44922") in citation.text
    assert "@article{plackett2023," in citation.text and "TY - JOUR" in citation.text
    assert ("https://doi.org/10.2196/44922", "noopener") in citation.links


def test_offline_no_other_hosts(built_site):
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html
        assert "<script src=\"http" not in text and "<link rel=\"stylesheet\" href=\"http" not in text, html


def test_generated_pages_are_not_written_to_docs():
    assert not list((ROOT / "docs").rglob("*.md"))
