"""Press office and citation: downloads parsed with real parsers, page metadata, social cards,
and URL stability."""

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
import yaml
import rispy
import yaml
from PIL import Image

from conftest import PUBLISHED_URL
from evidence_site import __version__

ROOT = Path(__file__).resolve().parent.parent
STUDY_IDS = sorted(p.stem for p in (ROOT / "studies").glob("*.yml"))
JOURNAL_LINE = ("Plackett R, Blyth A, Schartau P. The Impact of Social Media Use Interventions on Mental "
                "Well-Being: Systematic Review. J Med Internet Res 2023;25:e44922. doi: 10.2196/44922")


class Head(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.meta, self.links, self.json_ld, self._ld = [], [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs.get("content")))
        elif tag == "link":
            self.links.append((attrs.get("rel"), attrs.get("href")))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._ld = ""

    def handle_data(self, data):
        if self._ld is not None:
            self._ld += data

    def handle_endtag(self, tag):
        if tag == "script" and self._ld is not None:
            self.json_ld.append(json.loads(self._ld))
            self._ld = None

    def values(self, name):
        return [content for key, content in self.meta if key == name]


def head(site: Path, url: str) -> Head:
    return Head((site / url.strip("/") / "index.html").read_text(encoding="utf-8"))


def test_studies_csv(built_site):
    rows = list(csv.DictReader(io.StringIO((built_site / "data/studies.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == STUDY_IDS
    brown = next(r for r in rows if r["id"] == "brown-2020")
    assert brown["doi"] == "10.3390/ijerph17124566" and brown["sample_size"] == "61"
    assert brown["outcomes"] == "fomo=improved;mental-well-being=improved"
    assert next(r for r in rows if r["id"] == "turel-2018")["overall_effect"] == ""


def test_studies_json_holds_every_field(built_site):
    data = json.loads((built_site / "data/studies.json").read_text(encoding="utf-8"))
    assert (data["review_doi"], data["included_studies"], data["transcribed_studies"]) == ("10.2196/44922", 23, len(STUDY_IDS))
    assert [s["id"] for s in data["studies"]] == STUDY_IDS
    assert data["studies"][0]["citation"]["authors"] == ["Lorna Brown", "Daria J. Kuss"]


def test_datapackage_is_valid_frictionless(built_site):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(built_site / "data/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((built_site / "data/datapackage.json").read_text())
    fields = [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]]
    header = (built_site / "data/studies.csv").read_text().splitlines()[0].split(",")
    assert fields == header
    # The site's terms for its transcription (review.yml site.license); the review stays the source.
    terms = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))["site"]["license"]
    assert descriptor["licenses"] == [{"name": terms["content"]["spdx"], "path": terms["content"]["url"],
                                       "title": terms["content"]["name"]}]
    assert descriptor["contributors"] == [{"title": terms["holder"], "role": "author"}]
    assert descriptor["version"] == __version__
    assert descriptor["sources"] == [{"title": descriptor["title"].removeprefix("Included studies of: "),
                                      "path": "https://doi.org/10.2196/44922"}]


def test_review_citation_files(built_site):
    bib = bibtexparser.parse_string((built_site / "data/review.bib").read_text(encoding="utf-8"))
    (entry,) = bib.entries
    assert entry.key == "plackett2023"
    assert entry["doi"] == "10.2196/44922" and entry["pages"] == "e44922" and entry["volume"] == "25"
    assert entry["author"] == "Plackett, Ruth and Blyth, Alexandra and Schartau, Patricia"
    (ris,) = rispy.loads((built_site / "data/review.ris").read_text(encoding="utf-8"))
    assert (ris["type_of_reference"], ris["doi"], ris["year"], ris["start_page"]) == ("JOUR", "10.2196/44922", "2023",
                                                                                        "e44922")
    assert ris["authors"] == ["Plackett, Ruth", "Blyth, Alexandra", "Schartau, Patricia"]
    (csl,) = json.loads((built_site / "data/review.csl.json").read_text(encoding="utf-8"))
    assert (csl["DOI"], csl["type"], csl["issued"]) == ("10.2196/44922", "article-journal", {"date-parts": [[2023]]})


def test_study_citation_files(built_site):
    bib = bibtexparser.parse_string((built_site / "data/studies.bib").read_text(encoding="utf-8"))
    assert sorted(e.key for e in bib.entries) == STUDY_IDS
    records = rispy.loads((built_site / "data/studies.ris").read_text(encoding="utf-8"))
    assert len(records) == len(STUDY_IDS)
    assert {r.get("doi") for r in records} >= {"10.1089/cyber.2016.0259", "10.3390/ijerph17124566"}
    assert len(json.loads((built_site / "data/studies.csl.json").read_text())) == len(STUDY_IDS)


def test_citation_page_formats_match_the_journal(built_site):
    text = (built_site / "citation/index.html").read_text(encoding="utf-8")
    plain = re.sub(r"<[^>]+>", "", text)
    import html
    plain = html.unescape(plain)
    assert JOURNAL_LINE in plain
    assert ("Plackett, R., Blyth, A., & Schartau, P. (2023). The Impact of Social Media Use Interventions on Mental "
            "Well-Being: Systematic Review. Journal of Medical Internet Research, 25, e44922. "
            "https://doi.org/10.2196/44922") in plain
    for download in ["review.bib", "review.ris", "review.csl.json", "studies.csv", "studies.json", "datapackage.json",
                     "studies.bib", "studies.ris"]:
        assert f'href="../data/{download}"' in text


@pytest.mark.parametrize("url", ["/", "/press/", "/citation/"])
def test_highwire_tags_and_scholarly_article(published_site, url):
    page = head(published_site, url)
    assert page.values("citation_doi") == ["10.2196/44922"]
    assert page.values("citation_title") == ["The Impact of Social Media Use Interventions on Mental Well-Being: "
                                             "Systematic Review"]
    assert page.values("citation_author") == ["Plackett, Ruth", "Blyth, Alexandra", "Schartau, Patricia"]
    assert page.values("citation_publication_date") == ["2023/08/11"]
    article = next(b for b in page.json_ld if b["@type"] == "ScholarlyArticle")
    assert article["@id"] == "https://doi.org/10.2196/44922"
    assert {"propertyID": "DOI", "value": "10.2196/44922", "@type": "PropertyValue"} in article["identifier"]


def test_dataset_json_ld_on_studies_page(published_site):
    dataset = next(b for b in head(published_site, "/studies/").json_ld if b["@type"] == "Dataset")
    assert dataset["isBasedOn"] == "https://doi.org/10.2196/44922"
    assert any(d["contentUrl"].endswith("/data/studies.csv") for d in dataset["distribution"])
    terms = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))["site"]["license"]
    assert dataset["license"] == terms["content"]["url"]
    assert dataset["creator"] == {"@type": "Organization", "name": terms["holder"]}
    assert (dataset["url"], dataset["version"]) == (f"{PUBLISHED_URL}studies/", __version__)
    assert dataset == next(b for b in head(published_site, "/citation/").json_ld if b["@type"] == "Dataset")


def all_pages(site: Path) -> list[str]:
    return sorted("/" + p.parent.relative_to(site).as_posix().strip(".") + "/" if p.parent != site else "/"
                  for p in site.rglob("index.html")
                  if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))


def test_every_page_has_description_open_graph_twitter_and_canonical(published_site):
    pages = all_pages(published_site)
    import yaml

    codebook = yaml.safe_load((ROOT / "review.yml").read_text())["codebook"]
    listings = len(codebook["intervention_types"]) + len(codebook["outcomes"])  # /studies/type/x/, /studies/outcome/y/
    from evidence_site.pages import PAGES

    # every registry page, every study page and every per-type and per-outcome list (and more: figures, cells)
    assert {p.url for p in PAGES} | {f"/studies/{i}/" for i in STUDY_IDS} <= set(pages)
    assert len(pages) >= len(PAGES) + len(STUDY_IDS) + listings
    descriptions = set()
    for url in pages:
        page = head(published_site, url.replace("//", "/"))
        (description,) = page.values("description")
        descriptions.add(description)
        assert page.values("og:description") == [description] and page.values("twitter:description") == [description]
        assert page.values("og:title") and page.values("twitter:card")
        canonical = [href for rel, href in page.links if rel == "canonical"]
        assert canonical == page.values("og:url") == [PUBLISHED_URL + url.lstrip("/")]
    assert len(descriptions) == len(pages), "each page has its own description"


def test_local_build_points_at_no_other_origin(built_site):
    page = head(built_site, "/")
    assert not [href for rel, href in page.links if rel == "canonical"]
    assert page.values("og:image") == [] and page.values("og:url") == []
    assert page.values("og:title") and page.values("description")


@pytest.mark.parametrize("url, card", [("/", "index"), ("/findings/", "findings"), ("/press/", "press")]
                         + [(f"/studies/{i}/", f"studies/{i}") for i in STUDY_IDS])
def test_social_cards(published_site, url, card):
    page = head(published_site, url)
    if url.startswith("/studies/") and yaml.safe_load((ROOT / f"{card}.yml").read_text(encoding="utf-8"))[
            "overall_effect"] is None:  # no card is built from a missing value
        assert page.values("og:image") == [] and page.values("twitter:card") == ["summary"]
        assert not (published_site / f"assets/cards/{card}.png").exists()
        return
    (image,) = page.values("og:image")
    assert image == f"{PUBLISHED_URL}assets/cards/{card}.png" and page.values("twitter:image") == [image]
    assert page.values("twitter:card") == ["summary_large_image"]
    with Image.open(published_site / f"assets/cards/{card}.png") as png:
        assert (png.format, png.size) == ("PNG", (1200, 630))


def test_press_page_findings_link_to_existing_anchors(built_site):
    press = (built_site / "press/index.html").read_text(encoding="utf-8")
    findings = (built_site / "findings/index.html").read_text(encoding="utf-8")
    anchors = re.findall(r'href="\.\./findings/#([a-z0-9-]+)"', press)
    assert {"overall", "type-therapy-based", "type-limiting-use", "type-abstinence", "outcome-depression"} <= set(anchors)
    for anchor in anchors:
        assert f'id="{anchor}"' in findings
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", press))
    assert "In 5 of the 6 studies of therapy-based interventions, mental well-being improved, the review reports." in text
    # the review prints its percentages (review.yml reported.percentages_printed); the interval is this site's
    assert "83%, the review reports. 95% interval 44–97%, calculated by this site from the review's counts." in text
    assert "Depression improved in 7 of the 10 studies that measured it, the review reports." in text
    assert ("Mental well-being improved in 3 of the 12 studies of abstinence interventions, the review reports; it "
            "classed the other 9 as mixed or no effect.") in text
    assert "The review rated 22 of the 23 studies weak quality" in text


def test_published_urls_all_resolve(built_site):
    from evidence_site.urls import broken, read_published

    published = read_published(ROOT / "published-urls.txt")
    assert len(published) > 80
    assert broken(built_site, published) == []


def build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build_site.py", "build"], cwd=project, capture_output=True, text=True,
                          timeout=300)


def test_dropping_a_published_url_fails_the_build_until_redirected(project):
    with open(project / "published-urls.txt", "a", encoding="utf-8") as urls:
        urls.write("/summary/\n")
    line = len((project / "published-urls.txt").read_text().splitlines())
    failed = build(project)
    assert failed.returncode == 1
    assert failed.stderr.splitlines()[0] == (
        f"published-urls.txt:{line}:1: /summary/: the page is gone; restore it, or redirect 'summary/index.md' to its "
        "new page in mkdocs.yml (plugins: redirects: redirect_maps) [url-dropped]")
    assert not (project / "site").exists()
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("redirect_maps: {}", "redirect_maps:\n        summary/index.md: index.md"))
    passed = build(project)
    assert passed.returncode == 0, passed.stderr
    assert 'http-equiv="refresh"' in (project / "site/summary/index.html").read_text()


def test_citation_cff_agrees_with_review_yml():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    review = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))["citation"]
    preferred = cff["preferred-citation"]
    assert cff["cff-version"] == "1.2.0"
    assert (preferred["doi"], preferred["title"], preferred["journal"], preferred["year"], str(preferred["volume"]),
            preferred["start"]) == (review["doi"], review["title"], review["journal"], review["year"], review["volume"],
                                    review["elocator"])
    assert [(a["given-names"], a["family-names"]) for a in preferred["authors"]] == \
        [(a["given"], a["family"]) for a in review["authors"]]


def test_press_permalinks_are_absolute_when_published(published_site):
    press = (published_site / "press/index.html").read_text(encoding="utf-8")
    assert f"<code>{PUBLISHED_URL}findings/#type-therapy-based</code>" in press.replace("&#58;", ":")
    assert "it classed the other 9 as mixed or no effect." in re.sub(r"<[^>]+>", "", press)
