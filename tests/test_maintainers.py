"""Maintainers' workflow: the generated field reference, the feed, the workflow files, and
byte-identical rebuilds."""

import hashlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from evidence_site.fields import study_fields

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_readme_gives_exactly_two_commands():
    build, test = readme_commands()
    assert build.endswith("build_site.py build") and test.endswith("-m pytest")
    assert test in (ROOT / ".ci" / "run").read_text()


def test_field_reference_lists_every_schema_property(built_site):
    page = (built_site / "contribute" / "index.html").read_text(encoding="utf-8")
    rows = study_fields()
    assert len(rows) > 40
    for row in rows:
        assert f"<code>{row['path']}</code>" in page.replace("&#95;", "_").replace("&#91;", "[").replace("&#93;", "]")
    assert "<code>abstinence</code>" in page and "<code>no-effect</code>" in page


def test_atom_feed_parses_and_lists_studies_by_date(built_site):
    feed = ET.parse(built_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    studies = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "studies").glob("*.yml")]
    assert len(entries) == len(studies) + sum(1 for s in studies if s["updated"] and s["updated"] != s["added"])
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.find(f"{ATOM}updated").text == dates[0]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(re.search(r"/studies/[a-z0-9-]+/$", link) for link in links)
    assert "Atom feed" in (built_site / "whats-new" / "index.html").read_text()


def test_feed_follows_added_and_updated_dates(project, monkeypatch):
    from evidence_site.build import prepare
    from evidence_site.feed import atom

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1801440000")  # 2027-02-01: check refuses dates after today
    hall = project / "studies" / "hall-2019.yml"
    hall.write_text(re.sub(r"(?m)^updated: .*$", "updated: 2027-01-05", hall.read_text()))
    site = prepare(project)
    feed = ET.fromstring(atom(site.review, site.studies, "https://example.org/"))
    first = feed.findall(f"{ATOM}entry")[0]
    assert first.find(f"{ATOM}title").text == "Updated: Hall et al (2019)"
    assert first.find(f"{ATOM}updated").text == "2027-01-05T00:00:00+00:00"
    assert feed.find(f"{ATOM}updated").text == "2027-01-05T00:00:00+00:00"


def test_workflows_parse_and_run_the_readme_commands():
    build, test = readme_commands()
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    ci_runs = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert test in ci_runs and build.replace("build_site.py build", "build_site.py check") in ci_runs
    assert any(step.get("uses", "").startswith("actions/upload-artifact@") for step in ci["jobs"]["test"]["steps"])
    assert True in ci or "on" in ci  # YAML 1.1 reads the key `on` as true
    deploy_steps = deploy["jobs"]["build"]["steps"]
    assert build in [step.get("run", "") for step in deploy_steps]
    uses = [step.get("uses", "") for job in deploy["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_ci_writes_the_evidence_diff_to_pull_request_summaries():
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    steps = ci["jobs"]["test"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch and its history are there to compare with
    runs = [step.get("run", "") for step in steps]
    (index,) = [i for i, run in enumerate(runs) if "build_site.py diff" in run]
    step = steps[index]
    assert "pull_request" in step["if"] and "pull_request" in ci[True]
    assert 'git fetch --no-tags origin "$GITHUB_BASE_REF"' in step["run"]
    assert '.venv/bin/python build_site.py diff "origin/$GITHUB_BASE_REF" >> "$GITHUB_STEP_SUMMARY"' in step["run"]
    assert any(".venv/bin/pip install --require-hashes -r requirements.txt" in run for run in runs[:index])  # after the set-up


# The first major version of each official action that runs on Node 24 (action.yml `runs.using:
# node24`, or a composite that uses only such actions); earlier majors run on Node 20, which GitHub
# is retiring. An official action missing here must be looked up and added before it is used.
NODE24_FROM = {"actions/checkout": 5, "actions/setup-python": 6, "actions/configure-pages": 6,
               "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5, "actions/upload-artifact": 6}


def workflow_uses() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / ".github/workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        found += [(path.name, step["uses"]) for job in workflow["jobs"].values()
                  for step in job.get("steps", []) if "uses" in step]
    return found


def test_no_workflow_uses_a_node_20_era_major_of_an_official_action():
    uses = workflow_uses()
    assert {name for name, _ in uses} >= {"ci.yml", "deploy.yml", "release.yml"}
    for name, use in uses:
        action, _, ref = use.partition("@")
        if action.startswith("actions/"):
            assert action in NODE24_FROM, f"{name}: look up the first Node 24 major of {action}"
            assert re.fullmatch(r"v\d+", ref), f"{name}: {use} should name a major version (v<N>)"
            assert int(ref[1:]) >= NODE24_FROM[action], f"{name}: {use} runs on Node 20; use v{NODE24_FROM[action]} or later"


def test_release_workflow_builds_and_attaches_the_site_and_the_data_on_a_version_tag():
    build, _ = readme_commands()
    release = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    assert release[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as true
    assert release["permissions"] == {"contents": "write"}
    steps = release["jobs"]["release"]["steps"]
    runs = [step.get("run", "") for step in steps]
    check = runs.index('python3 -m evidence_site.release notes "$GITHUB_REF_NAME" > release-notes.md')
    assert runs.index(build) > check  # nothing is built or published for a tag that names another version
    packaged = next(i for i, run in enumerate(runs) if "-m zipfile -c" in run and "site/" in run)
    upload = runs[-1]
    assert packaged < len(runs) - 1 and "gh release upload" in upload and "site/data/*" in upload
    assert re.search(r'gh release create "\$GITHUB_REF_NAME" --verify-tag .*--notes-file release-notes.md', upload)
    assert steps[-1]["env"] == {"GH_TOKEN": "${{ github.token }}"}


def test_pre_commit_runs_check_and_yamllint():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {h["id"] for h in hooks} == {"yamllint", "check-studies"}
    assert next(h for h in hooks if h["id"] == "check-studies")["entry"] == "python build_site.py check"


def digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(project):
    import os

    env = {**os.environ, "SITE_URL": "https://evidence.example.org/"}  # the sitemap has dates only then
    env_run = dict(cwd=project, capture_output=True, text=True, timeout=300, env=env)
    first = subprocess.run([sys.executable, "build_site.py", "build", "--site-dir", "one"], **env_run)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "build_site.py", "build", "--site-dir", "two"], **env_run)
    assert second.returncode == 0, second.stderr
    one, two = digest(project / "one"), digest(project / "two")
    assert one == two
    sitemap = (project / "one" / "sitemap.xml").read_text()
    studies = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (project / "studies").glob("*.yml")]
    newest = max(str(s["updated"] or s["added"]) for s in studies)
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {newest}


def test_category_fields_are_marked_in_the_schema_and_read_from_it():
    from evidence_site import schemas

    marked = {f.path: f.codebook for f in schemas.fields("study") if f.codebook}
    assert marked == {"intervention.type": "intervention_types", "outcomes[].domain": "outcomes",
                      "outcomes[].effect": "effects", "overall_effect": "effects", "quality.global": "quality_ratings"}
    assert set(marked.values()) | {"quality_components"} == set(schemas.CODEBOOK_ITEM)
    data = {"quality": {"global": "weak", "components": {"selection-bias": "strong"}},
            "outcomes": [{"domain": "depression", "effect": "improved"}], "overall_effect": "mixed"}
    assert list(schemas.codebook_values("study", data)) == [
        (("outcomes", 0, "domain"), "depression", "outcomes"), (("outcomes", 0, "effect"), "improved", "effects"),
        (("overall_effect",), "mixed", "effects"), (("quality", "global"), "weak", "quality_ratings"),
        (("quality", "components", "selection-bias"), "selection-bias", "quality_components"),
        (("quality", "components", "selection-bias"), "strong", "quality_ratings")]
    rows = {row["path"]: row for row in study_fields({"effects": [{"key": "improved"}, {"key": "mixed"}]})}
    assert rows["overall_effect"]["allowed"] == ["improved", "mixed"] and rows["design"]["allowed"] == []
    assert schemas.resolve("study", {"$ref": "#/$defs/key"})["type"] == "string"
