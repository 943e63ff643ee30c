"""A maintainer's pull request adds one valid study: everything that should show it does.

A copy of the project gets one more study file, made up for this test (never written into the real
studies/ folder) and shaped from a real file so it stays valid whatever the schema grows. Its
intervention type, outcome and effect are chosen so the copy stays consistent with the review's
reported counts whatever the real study files say; once every included study is transcribed there
is no room for one more, and the test says so instead of running. The copy is checked and built
through the real command line, then every page, download, feed entry and figure that should list
the study is read, and the counts on them must be the real site's plus one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import product
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from cli_runner import run_cli
from conftest import PUBLISHED_URL, ROOT, copy_project

MADE_UP_ID = "madeup-2021"
TITLE = "A Made-Up Study Used Only by the Test Suite"
DOI = "10.5555/madeup-2021"


def real_studies() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "studies").glob("*.yml"))]


def made_up_study(base: dict, kind: str, domain: str, effect: str, day: str) -> dict:
    study = json.loads(json.dumps(base, default=str))  # a deep copy, dates as text
    study.update(id=MADE_UP_ID, overall_effect=effect, overall_effect_note=None, added=day, updated=None)
    study["citation"].update(authors=["Ann Example", "Ben Placeholder"], year=2021, title=TITLE,
                             journal="Journal of Made-Up Results", doi=DOI)
    study["intervention"]["type"] = kind
    study["intervention"]["description"] = "A made-up intervention for the test suite."
    outcome = {**base["outcomes"][0], "domain": domain, "name": f"made-up measure of {domain}", "effect": effect}
    study["outcomes"] = [outcome]
    study["inferred"] = [{"field": "overall_effect", "reason": "Made up for the test suite."}]
    if "review_reference" in study:
        study["review_reference"] = None
    return study


def add_made_up_study(project: Path) -> tuple[dict | None, list[str]]:
    """Write one more valid study file into project/studies/, of a type, effect and outcome the
    review's counts leave room for: (its data, None), or (None, why each try was refused)."""
    from evidence_site.build import prepare
    from evidence_site.problems import InputError

    book = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))["codebook"]
    studies = real_studies()
    base = next(s for s in studies if s.get("overall_effect") and s.get("outcomes"))
    day = max(str(d) for s in studies for d in (s.get("added"), s.get("updated")) if d)
    path = project / "studies" / f"{MADE_UP_ID}.yml"
    tried = []
    for kind, effect, domain in product(book["intervention_types"], book["effects"], book["outcomes"]):
        study = made_up_study(base, kind["key"], domain["key"], effect["key"], day)
        path.write_text(yaml.safe_dump(study, sort_keys=False, allow_unicode=True), encoding="utf-8")
        try:
            prepare(project)
        except InputError as error:
            tried.append(str(error).splitlines()[0])
            continue
        return study, tried
    path.unlink()
    return None, tried


def no_room_for_one_more(tried: list[str]) -> None:
    """Skip when every included study is transcribed; fail when some are not and still none fits."""
    review = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))
    if len(real_studies()) >= review["reported"]["included_studies"]:
        pytest.skip("every included study is transcribed: the review's counts leave no room for one more")
    pytest.fail("no made-up study fits the review's counts although some are not transcribed:\n"
                + "\n".join(tried[:5]))


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """(project with one more study, the study's data) — or a skip when no study can be added."""
    project = copy_project(tmp_path_factory.mktemp("added") / "project")
    study, tried = add_made_up_study(project)
    if study is None:
        no_room_for_one_more(tried)
    return project, study


@pytest.fixture(scope="module")
def added_site(added):
    project, _ = added
    check = run_cli(project, "check")
    assert check.returncode == 0, check.stderr
    assert f"{len(list((project / 'studies').glob('*.yml')))} study files" in check.stdout
    built = run_cli(project, "build", env={"SITE_URL": PUBLISHED_URL})  # the sitemap lists pages only then
    assert built.returncode == 0, built.stderr
    return project / "site"


def text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def listing_pages(site: Path, folder: str) -> list[str]:
    """A paged study list: its first page and every further page (<folder>/page/<n>/)."""
    pages = [f"{folder}/index.html"]
    pages += sorted(p.relative_to(site).as_posix() for p in (site / folder).glob("page/*/index.html"))
    return pages


def listed(site: Path, folder: str) -> bool:
    return any(f"{MADE_UP_ID}/" in text(site, rel) for rel in listing_pages(site, folder))


def test_the_study_has_its_own_page(added_site):
    page = text(added_site, f"studies/{MADE_UP_ID}/index.html")
    assert TITLE in page and "Journal of Made-Up Results" in page and f"https://doi.org/{DOI}" in page


def test_every_list_it_belongs_to_links_to_it(added, added_site):
    _, study = added
    assert listed(added_site, "studies")
    assert listed(added_site, f"studies/type/{study['intervention']['type']}")
    assert listed(added_site, f"studies/outcome/{study['outcomes'][0]['domain']}")


def test_whats_new_and_the_feed_name_it(added_site):
    assert TITLE in text(added_site, "whats-new/index.html")
    feed = ElementTree.fromstring((added_site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert any(TITLE in (entry.findtext(f"{atom}title") or "") + (entry.findtext(f"{atom}summary") or "")
               + (entry.findtext(f"{atom}content") or "") for entry in feed.iter(f"{atom}entry"))


def test_every_download_includes_it(added_site):
    rows = list(csv.DictReader(io.StringIO(text(added_site, "data/studies.csv"))))
    assert MADE_UP_ID in {row["id"] for row in rows}
    records = json.loads(text(added_site, "data/studies.json"))
    records = records["studies"] if isinstance(records, dict) else records
    assert MADE_UP_ID in {record["id"] for record in records}
    assert DOI in text(added_site, "data/studies.bib") and DOI in text(added_site, "data/studies.ris")
    assert DOI in {item.get("DOI") for item in json.loads(text(added_site, "data/studies.csl.json"))}


def test_search_and_sitemap_find_it(added_site):
    index = json.loads(text(added_site, "search/search_index.json"))
    assert any(TITLE in doc["title"] + doc["text"] for doc in index["docs"])
    assert f"studies/{MADE_UP_ID}/" in text(added_site, "sitemap.xml")


def transcribed_of(page: str, label: str) -> tuple[int, int]:
    """(transcribed, reported) from the completeness figure's "<label>: n of N" text."""
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    found = re.findall(re.escape(label) + r"\W+(\d+) of (\d+)", plain)
    assert found, f"no '{label}: n of N' on the page"
    return int(found[0][0]), int(found[0][1])


def test_counts_in_the_study_files_go_up_by_one(added, added_site, built_site):
    """The completeness figures count study files: the added study's type gains one, nothing else moves."""
    _, study = added
    review = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))
    label = next(t["label"] for t in review["codebook"]["intervention_types"] if t["key"] == study["intervention"]["type"])
    before = json.loads(text(built_site, "data/studies.json"))
    after = json.loads(text(added_site, "data/studies.json"))
    count = (lambda data: len(data["studies"] if isinstance(data, dict) else data))
    assert count(after) == count(before) + 1
    rows_before = list(csv.DictReader(io.StringIO(text(built_site, "data/studies.csv"))))
    rows_after = list(csv.DictReader(io.StringIO(text(added_site, "data/studies.csv"))))
    type_column = next(k for k in rows_after[0] if k in ("intervention_type", "type", "intervention.type"))
    of_type = (lambda rows: sum(r[type_column] == study["intervention"]["type"] for r in rows))
    assert of_type(rows_after) == of_type(rows_before) + 1
    # The completeness figure on /studies/: that type's transcribed count is one higher, the review's the same.
    n, of = transcribed_of(text(built_site, "studies/index.html"), label)
    assert transcribed_of(text(added_site, "studies/index.html"), label) == (n + 1, of)


def test_the_figures_show_it(added, added_site):
    """The effect direction plot (on /findings/ or, for large reviews, the per-type page) and the
    evidence gap map include the study."""
    _, study = added
    findings = text(added_site, "findings/index.html")
    per_type = text(added_site, f"studies/type/{study['intervention']['type']}/index.html")
    assert "Example" in findings + per_type  # the plot names each study by its first author
    assert f"{MADE_UP_ID}/" in findings + per_type
