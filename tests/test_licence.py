"""Licences, versions, citing a page and reporting a problem (issue 14): the licence files, the
footer of every built page, CITATION.cff against the CFF 1.2.0 schema, CHANGELOG.md, .zenodo.json,
the release notes command, and the report-a-problem links on a copy of the project whose
repository is set."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from jsonschema import Draft7Validator

from conftest import PUBLISHED_URL
from evidence_site import __version__
from evidence_site.release import main as release_main, release_notes, releases
from evidence_site.report import Reporter

ROOT = Path(__file__).resolve().parent.parent
REVIEW = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))
TERMS = REVIEW["site"]["license"]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
CFF_SCHEMA = Path(__file__).resolve().parent / "fixtures" / "schemas" / "citation-file-format-1.2.0.json"
REPOSITORY = "https://github.com/example-owner/evidence-site"


def data_date() -> str:
    """The newest added or updated date of the study files, read straight from the files."""
    dates = []
    for path in (ROOT / "studies").glob("*.yml"):
        study = yaml.safe_load(path.read_text(encoding="utf-8"))
        dates.append(str(study.get("updated") or study["added"]))
    return max(dates)


class Footer(HTMLParser):
    """The text and links of the release block (div.es-release) in a page's footer."""

    def __init__(self, html: str):
        super().__init__()
        self.depth, self.text, self.links = 0, "", []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth or "es-release" in (attrs.get("class") or "").split():
            self.depth += tag != "br"
            if tag == "a":
                self.links.append((attrs.get("rel"), attrs.get("href")))

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text += data


def content_pages(site: Path) -> list[Path]:
    """Every built page except redirects and the 404 page (which has no page to cite)."""
    return sorted(p for p in site.rglob("index.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))


# The licence files --------------------------------------------------------------------------------

def test_code_is_under_the_mit_licence_held_by_the_holder_in_review_yml():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert TERMS["code"]["spdx"] == "MIT" and text.startswith("MIT License\n")
    assert re.search(rf"^Copyright \(c\) \d{{4}} {re.escape(TERMS['holder'])}$", text, re.M)
    assert "Permission is hereby granted, free of charge" in text and 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_content_licence_is_cc_by_and_keeps_the_review_apart():
    text = (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert TERMS["content"]["spdx"] == "CC-BY-4.0"
    assert TERMS["content"]["url"] in text and "CC BY 4.0" in text and TERMS["holder"] in text
    assert REVIEW["citation"]["license"] is None  # so the review's terms are never stated, only pointed to
    assert "see the publisher's page" in text and REVIEW["citation"]["doi"] in text


# Every page's footer ------------------------------------------------------------------------------

def test_every_page_states_version_data_date_terms_and_how_to_cite_it(built_site):
    pages = content_pages(built_site)
    assert len(pages) > 20
    for path in pages:
        footer = Footer(path.read_text(encoding="utf-8"))
        text = " ".join(footer.text.split())
        where = path.relative_to(built_site)
        assert f"version {__version__}" in text and f"data as of {data_date()}" in text, where
        assert "Cite this page" in text and "In the text:" in text and "Reference:" in text, where
        # No address is known in a local build, and no script fills in a date: both are slots.
        assert "[address of this page] (accessed [date])" in text, where
        assert ("license noopener", TERMS["content"]["url"]) in footer.links, where
        assert ("noopener", TERMS["code"]["url"]) in footer.links, where
        assert f"{TERMS['content']['short']}; its code: {TERMS['code']['short']}; © {TERMS['holder']}" in text, where
        assert "for its licence, see the publisher's page" in text, where
        assert ("noopener", f"https://doi.org/{REVIEW['citation']['doi']}") in footer.links, where
        assert "Report a problem" not in text and "issues/new" not in path.read_text(encoding="utf-8"), where


def test_published_pages_cite_their_own_address(published_site):
    for url in ["", "findings/", "studies/", "citation/"]:
        footer = Footer((published_site / url / "index.html").read_text(encoding="utf-8"))
        text = " ".join(footer.text.split())
        assert f"{__version__}, data as of {data_date()}. {PUBLISHED_URL}{url} (accessed [date])." in text


def test_footer_sits_inside_the_themes_footer_before_its_copyright(built_site):
    html = (built_site / "methods" / "index.html").read_text(encoding="utf-8")
    footer = html[html.index('<footer class="md-footer">'):html.index("</footer>")]
    assert footer.index('class="es-release') < footer.index('class="md-footer-meta')
    assert html.count('id="cite-this-page"') == 1


# CITATION.cff, CHANGELOG.md, .zenodo.json ---------------------------------------------------------

def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_against_the_cff_1_2_0_schema():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    # YAML reads dates as date objects; the schema's own note says to validate them as strings.
    data = json.loads(json.dumps(cff(), default=str))
    errors = sorted(Draft7Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_citation_cff_schema_check_bites():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(cff(), default=str))
    data["date-released"], data["license"] = "2 December 2026", "CC BY 4.0"
    assert {e.path[0] for e in Draft7Validator(schema).iter_errors(data)} == {"date-released", "license"}


def test_version_and_release_date_agree_across_code_citation_and_changelog():
    latest_version, latest_date = releases(CHANGELOG)[0]
    data = cff()
    assert __version__ == latest_version == data["version"]
    assert str(data["date-released"]) == latest_date
    assert data["license"] == TERMS["content"]["spdx"]
    assert data["authors"] == [{"name": TERMS["holder"]}]


def test_version_is_calendar_version():
    year, month, release = (int(part) for part in __version__.split("."))
    assert 2000 < year and 1 <= month <= 12 and release >= 0
    assert releases(CHANGELOG)[0][1].startswith(f"{year}-{month:02d}-")


def test_changelog_follows_keep_a_changelog():
    assert CHANGELOG.startswith("# Changelog\n") and "keepachangelog.com/en/1.1.0" in CHANGELOG
    headings = re.findall(r"^## (.+)$", CHANGELOG, re.M)
    assert headings[0] == "[Unreleased]"
    found = releases(CHANGELOG)
    assert len(found) == len(headings) - 1 and found
    dates = [date for _, date in found]
    assert dates == sorted(dates, reverse=True)
    kinds = set(re.findall(r"^### (.+)$", CHANGELOG, re.M))
    assert kinds and kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    entries = re.findall(r"^- (\w+):", release_notes(CHANGELOG, __version__), re.M)
    assert set(entries) == {"Data", "Code"}  # every entry says which it changes


def test_zenodo_metadata_credits_the_holder_and_points_at_the_review():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["title"] and zenodo["description"]
    assert zenodo["upload_type"] in {"dataset", "software"}
    assert zenodo["creators"] == [{"name": TERMS["holder"]}]
    assert zenodo["license"] == TERMS["content"]["spdx"].lower()
    assert {"identifier": REVIEW["citation"]["doi"], "scheme": "doi", "relation": "isDerivedFrom",
            "resource_type": "publication-article"} in zenodo["related_identifiers"]


# The release notes command the release workflow runs -----------------------------------------------

def test_release_notes_are_the_changelog_section_of_the_tagged_version(capsys):
    assert release_main(["notes", f"v{__version__}"]) == 0
    notes = capsys.readouterr().out
    assert notes == release_notes(CHANGELOG, __version__)
    assert notes.startswith("The first versioned release.") or notes.split("\n", 1)[0]
    assert "## [" not in notes and "### Added" in notes


def test_release_notes_refuse_a_tag_that_is_not_this_version(capsys):
    assert release_main(["notes", "v1999.1.0"]) == 1
    assert capsys.readouterr().err == (
        f"the tag v1999.1.0 does not name this version: evidence_site/__init__.py has __version__ = "
        f"'{__version__}'; tag v{__version__}, or change the version first\n")


def test_release_notes_of_an_older_release_stop_at_the_next_heading():
    text = "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2027-01-02\n\n- Code: b\n\n## [1.0.0] - 2026-01-01\n\n- Data: a\n\n[1.0.0]: https://example.org/1\n"
    assert release_notes(text, "2.0.0") == "- Code: b\n"
    assert release_notes(text, "1.0.0") == "- Data: a\n"
    with pytest.raises(ValueError, match=r"no '## \[3.0.0\] - <date>' heading"):
        release_notes(text, "3.0.0")


# Report a problem ---------------------------------------------------------------------------------

def issue(href: str) -> dict:
    parts = urlsplit(href.replace("&amp;", "&"))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPOSITORY}/issues/new"
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"title", "body"}
    return {key: value[0] for key, value in query.items()}


def test_issue_links_encode_title_and_body():
    link = Reporter(REPOSITORY + "/", "https://example.org/site/").finding("a & b = c?", "type-x")
    assert str(link).count("&amp;") == 1  # the one separator, escaped for an HTML attribute
    fields = issue(str(link))
    assert fields["title"] == "Problem with a finding: a & b = c?"
    assert fields["body"].startswith("Finding: a & b = c?\nPage: https://example.org/site/findings/#type-x\n\n")


@pytest.fixture(scope="module")
def reported_site(tmp_path_factory) -> Path:
    """A copy of the project with site.repository and site.conduct_contact set, built for real."""
    from conftest import copy_project
    from evidence_site.build import build

    project = copy_project(tmp_path_factory.mktemp("reported") / "project")
    review = project / "review.yml"
    text = review.read_text(encoding="utf-8")
    text = text.replace("  repository: null\n", f"  repository: {REPOSITORY}\n", 1)
    text = text.replace("  conduct_contact: null\n", "  conduct_contact: conduct@example.org\n", 1)
    review.write_text(text, encoding="utf-8")
    return build(project, project / "site")


def links(html: str, label: str) -> list[str]:
    return re.findall(rf'<a href="([^"]+)" rel="noopener">{re.escape(label)}</a>', html)


def test_each_study_page_reports_a_problem_naming_the_study(reported_site):
    ids = sorted(p.stem for p in (ROOT / "studies").glob("*.yml"))
    for study_id in ids:
        html = (reported_site / "studies" / study_id / "index.html").read_text(encoding="utf-8")
        [body_link] = links(html, "Report a problem with this study&#39;s record") or \
            links(html, "Report a problem with this study's record")
        fields = issue(body_link)
        assert fields["title"].startswith("Problem with the study ") and fields["title"].endswith(f"({study_id})")
        assert f"Data file: studies/{study_id}.yml" in fields["body"] and f"Page: /studies/{study_id}/" in fields["body"]
        footer_link = re.search(r'<p class="es-report"><a rel="noopener" href="([^"]+)">Report a problem with this page</a>',
                                html).group(1)
        assert footer_link == body_link  # on a study page, the footer's link names the study too


def test_each_finding_reports_a_problem_naming_the_finding(reported_site):
    press = (reported_site / "press" / "index.html").read_text(encoding="utf-8")
    cards = press.count('class="press-finding"')
    found = [issue(href) for href in links(press, "Report a problem with this finding")]
    assert cards > 0 and len(found) == cards
    for fields in found:
        anchor = re.search(r"Page: /findings/#([a-z0-9-]+)\n", fields["body"]).group(1)
        assert f'id="{anchor}"' in (reported_site / "findings" / "index.html").read_text(encoding="utf-8")
        assert fields["title"].startswith("Problem with a finding: ") and " of " in fields["title"]
    findings = (reported_site / "findings" / "index.html").read_text(encoding="utf-8")
    types = len(REVIEW["codebook"]["intervention_types"])
    assert len(links(findings, "Report a problem with this finding")) == types
    assert len(links(findings, "Report a problem with these figures")) == 2


def test_every_page_footer_reports_a_problem_naming_the_page(reported_site):
    for path in content_pages(reported_site):
        html = path.read_text(encoding="utf-8")
        href = re.search(r'<p class="es-report"><a rel="noopener" href="([^"]+)">Report a problem with this page</a>',
                         html).group(1)
        page = "/" + path.parent.relative_to(reported_site).as_posix().strip(".") + "/" if path.parent != reported_site else "/"
        assert f"Page: {page}\n" in issue(href)["body"], path


def test_report_links_call_no_script_or_api(reported_site):
    for path in content_pages(reported_site):
        html = path.read_text(encoding="utf-8")
        assert "api.github.com" not in html and "repo_url" not in html
        assert 'class="md-source"' not in html  # the theme's repository widget, which calls the API


def test_conduct_contact_is_shown_when_set(reported_site, built_site):
    assert "Report conduct problems to conduct@example.org." in (reported_site / "contribute" / "index.html").read_text()
    assert "No contact for reporting conduct problems has been named yet." in \
        (built_site / "contribute" / "index.html").read_text()


def test_code_of_conduct_is_the_contributor_covenant_with_the_contact_setting():
    text = (ROOT / "CODE_OF_CONDUCT.md").read_text(encoding="utf-8")
    assert text.startswith("# Contributor Covenant Code of Conduct\n")
    assert "[Contributor Covenant][homepage],\nversion 2.1" in text
    assert "`site.conduct_contact`" in text and REVIEW["site"]["conduct_contact"] is None
    assert "No contact has been named yet" in text


def test_without_stated_terms_nothing_claims_a_licence(tmp_path):
    """A review.yml with no site.license (allowed): the footer says so, and neither the data package
    nor the JSON-LD invents one; the package still validates."""
    frictionless = pytest.importorskip("frictionless")
    from conftest import copy_project
    from evidence_site.build import build

    project = copy_project(tmp_path / "project")
    review = project / "review.yml"
    text = review.read_text(encoding="utf-8")
    start = text.index("  license:\n    holder:")
    review.write_text(text[:start], encoding="utf-8")  # site.license is the last entry of the file
    site = build(project, project / "site")
    footer = " ".join(Footer((site / "methods" / "index.html").read_text(encoding="utf-8")).text.split())
    assert "No licence has been stated for this site's text, data or code." in footer
    assert "see the publisher's page" in footer and f"version {__version__}" in footer
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in package and "contributors" not in package
    assert frictionless.validate(str(site / "data" / "datapackage.json")).valid
    html = (site / "studies" / "index.html").read_text(encoding="utf-8")
    assert '"license"' not in html and '"creator"' not in html
