"""`evidence-site init DIR`: a new review project that checks, builds with zero studies, and
passes the browser suite's checks (axe WCAG 2.2 AA, links) on every page.

The values filled in below are MADE UP for this test; they describe no real review.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from evidence_site import pages, schemas
from evidence_site.cli import main
from evidence_site.project import TEMPLATE_DIR, review_yml

ROOT = Path(__file__).resolve().parent.parent
COMMAND = Path(sys.executable).with_name("evidence-site")  # the console script of this venv


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()  # only this command's output
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def made_up_fill(project: Path) -> None:
    """Fill every placeholder check asks for with made-up values, labelled as made up."""
    path = project / "review.yml"
    review = yaml.safe_load(path.read_text(encoding="utf-8"))
    review["citation"].update(authors=[{"given": "Made", "family": "Up"}],
                              title="MADE-UP review written by the init test (not a real review)",
                              journal="Journal of Made-Up Reviews", year=2024, doi="10.9999/made-up.init")
    review["methods"].update(question="Does a made-up intervention help made-up people?",
                             design="Made-up review for the init test.",
                             quality_tool="Made-up quality tool", quality_tool_short="MUQT")
    for group, key in (("intervention_types", "made-up-type"), ("outcomes", "made-up-outcome"),
                       ("effects", "made-up-effect"), ("quality_ratings", "made-up-rating"),
                       ("quality_components", "made-up-component")):
        review["codebook"][group] = [{"key": key, "label": f"Made-up {group}",
                                      "definition": "A made-up category for the init test."}]
    review["reported"].update(source="Made up for the init test.", included_studies=3)
    review["prisma"]["included"] = 3
    review["site"]["title"] = "Made-up review site (init test)"
    path.write_text("# MADE-UP values written by tests/test_init.py\n" + yaml.safe_dump(review, sort_keys=False),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def new_project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("init") / "review-site"
    assert main(["init", str(project)]) == 0
    return project


@pytest.fixture(scope="module")
def built_new(tmp_path_factory, new_project) -> Path:
    """The new project, filled with made-up values, built in-process; returns its site/."""
    project = tmp_path_factory.mktemp("filled") / "review-site"
    assert main(["init", str(project)]) == 0
    made_up_fill(project)
    assert main(["--root", str(project), "build"]) == 0
    return project / "site"


def test_init_writes_every_part_of_a_project(new_project):
    names = {p.relative_to(new_project).as_posix() for p in new_project.rglob("*") if p.is_file()}
    for expected in ("review.yml", "mkdocs.yml", "README.md", "CONTRIBUTING.md", "published-urls.txt",
                     "requirements.txt", "build_site.py", ".gitignore", "studies/.gitkeep",
                     ".github/workflows/ci.yml", ".github/workflows/deploy.yml", "overrides/main.html",
                     "docs/assets/site.css", "docs/assets/studies.js",
                     "docs/assets/vendor/tablesort/tablesort.min.js"):
        assert expected in names
    assert not [n for n in names if n.startswith("studies/") and n.endswith(".yml")]  # no study is made up
    # the published-URL list names exactly the pages the registry publishes
    listed = [line for line in (new_project / "published-urls.txt").read_text().splitlines()
              if line and not line.startswith("#")]
    assert listed == [page.url for page in pages.PAGES if page.published]
    assert "evidence-site" in (new_project / "requirements.txt").read_text()
    readme = (new_project / "README.md").read_text()
    assert "pip install -r requirements.txt && .venv/bin/python build_site.py build" in readme
    assert "build_site.py check && .venv/bin/python build_site.py build" in readme


def test_review_yml_explains_every_schema_field_from_its_description(new_project):
    text = (new_project / "review.yml").read_text()
    assert text == review_yml()
    flat = " ".join(line.strip().lstrip("# ") for line in text.splitlines() if line.strip().startswith("#"))
    for field in schemas.fields("review"):
        words = schemas.description("review", field.declared)
        assert words, f"{field.path} has no description in review.schema.json"
        assert " ".join(words.split()) in flat, f"{field.path}: its description is not in review.yml"
    data = yaml.safe_load(text)
    assert data["citation"]["title"] is None and data["codebook"]["effects"] == [
        {"key": None, "label": None, "definition": None}]  # placeholders, never invented values


def test_new_project_mkdocs_yml_has_this_projects_offline_and_csp_settings(new_project):
    from mkdocs.utils.yaml import yaml_load

    def config(path: Path) -> dict:
        with open(path, encoding="utf-8") as handle:
            return yaml_load(handle)

    mine, ours = config(new_project / "mkdocs.yml"), config(ROOT / "mkdocs.yml")
    for key in ("theme", "plugins", "markdown_extensions", "extra_css", "extra_javascript", "validation", "strict"):
        assert mine[key] == ours[key], key
    assert mine["theme"]["font"] is False and "repo_url" not in mine and "hooks" not in mine
    assert "watch" not in mine  # the plugin watches the review file and the studies folder itself


@pytest.mark.parametrize("part", ["docs/assets", "overrides"])
def test_template_copies_of_the_sites_assets_match_this_project(part):
    """The template carries the site's CSS, scripts and CSP override; this repository's are the originals."""
    for original in sorted((ROOT / part).rglob("*")):
        if original.is_file():
            copy = TEMPLATE_DIR / part / original.relative_to(ROOT / part)
            assert copy.is_file() and copy.read_bytes() == original.read_bytes(), (
                f"{copy.relative_to(ROOT)} differs from {original.relative_to(ROOT)}; copy it: "
                f"cp {original.relative_to(ROOT)} {copy.relative_to(ROOT)}")


def test_check_on_a_new_project_says_what_to_fill_first_in_order(new_project, capsys):
    code, out, err = run(["--root", str(new_project), "check"], capsys)
    assert code == 1 and out == ""
    lines = err.splitlines()
    head = re.fullmatch(r"review.yml still has (\d+) required values left null. Fill them in this order, "
                        r"from the top of the file, then run check again:", lines[0])
    assert head, lines[0]
    steps = [re.match(r"  (\d+)\. (\w+) \(line (\d+)\): ", line) for line in lines[1:]]
    steps = steps[:steps.index(None)]
    assert [int(m.group(1)) for m in steps] == list(range(1, len(steps) + 1))
    sections = [m.group(2) for m in steps]
    # the citation first, then methods, the codebook, the reported counts, the site: the file's order
    assert [s for s in sections if s in ("citation", "methods", "codebook", "reported", "site")] == [
        "citation", "methods", "codebook", "reported", "site"] and sections[0] == "citation"
    assert [int(m.group(3)) for m in steps] == sorted(int(m.group(3)) for m in steps)
    assert "Still null: authors[0].given, authors[0].family, title, journal, year, doi." in lines[1]
    assert "Still null: source, included_studies." in lines[1 + sections.index("reported")]
    assert lines[1 + len(steps)] == "Then add the first study with: python build_site.py new <first-author> <year>"
    problems = [line for line in lines if line.startswith("review.yml:")]
    count = int(head.group(1))
    assert len(problems) == count and lines[-1] == f"Found {count} problems in 1 file."
    assert problems[0].startswith("review.yml:12:7: citation.authors[0].given: expected text, got null; "
                                  "expected: Given names")
    numbers = [int(p.split(":")[1]) for p in problems]
    assert numbers == sorted(numbers)  # the problem lines follow the file, in the same order as the steps


def test_check_after_the_placeholders_asks_for_nothing_more(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    made_up_fill(project)
    code, out, err = run(["--root", str(project), "check"], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("OK: review.yml and 0 study files are valid")


def test_a_half_filled_review_still_gets_the_guide_only_for_what_is_null(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    made_up_fill(project)
    review = yaml.safe_load((project / "review.yml").read_text())
    review["site"]["title"] = None
    (project / "review.yml").write_text(yaml.safe_dump(review, sort_keys=False))
    code, _, err = run(["--root", str(project), "check"], capsys)
    assert code == 1
    assert err.splitlines()[0].startswith("review.yml still has 1 required value left null.")
    assert re.match(r"  1\. site \(line \d+\): The site's own settings and the plain words its pages use for this review\. Still null: title\.$",
                    err.splitlines()[1])


def test_built_new_project_says_there_are_no_studies_yet(built_new):
    def text(path: str) -> str:
        html = (built_new / path / "index.html").read_text(encoding="utf-8")
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    assert "No study is transcribed yet." in text("studies")
    assert '<table class="studies-table"' not in (built_new / "studies" / "index.html").read_text()
    assert "No study file has been added to this site yet, so there is no effect direction plot." in text("findings")
    assert "No study has been added yet." in text("whats-new")
    assert "No transcribed study is in this list yet." in text("studies/type/made-up-type")
    assert "MADE-UP review written by the init test" in text("citation")
    for page in pages.PAGES:  # every registry page is built
        assert (built_new / page.url.strip("/") / "index.html").is_file(), page.url


def test_the_console_command_builds_the_same_site(built_new, tmp_path):
    """One real `evidence-site` process from this virtual environment, in the project folder."""
    if not COMMAND.exists():
        pytest.skip(f"no {COMMAND}: install the project in this environment (pip install --no-deps -e .)")
    project = built_new.parent
    other = tmp_path / "site"
    result = subprocess.run([str(COMMAND), "build", "--site-dir", str(other)], cwd=project, capture_output=True,
                            text=True, timeout=600, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Built the site into {other}"
    files = sorted(p.relative_to(built_new) for p in built_new.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
    assert all((built_new / f).read_bytes() == (other / f).read_bytes() for f in files)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    code, out, err = run(["init", str(folder)], capsys)
    assert code == 2 and out == ""
    assert err == (f"Error: {folder} is not empty; give a new or empty folder, so that nothing there is "
                   "overwritten. Nothing was written.\n")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    code, _, err = run(["init", str(tmp_path / "file")], capsys)
    assert code == 2 and "is a file, not a folder" in err


def test_init_into_an_empty_folder_and_through_build_site_py(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = subprocess.run([sys.executable, str(ROOT / "build_site.py"), "init", str(folder)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote a new review project into {folder}.")
    assert (folder / "review.yml").read_text() == review_yml()


def test_every_template_file_is_package_data():
    """pyproject.toml's package-data patterns (as setuptools globs them: * skips dot files) cover
    every template file, so an installed wheel can write the whole project."""
    import glob
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["evidence_site"]
    package = TEMPLATE_DIR.parent
    covered = {Path(p) for pattern in patterns for p in glob.glob(pattern, root_dir=package, recursive=True)}
    files = {p.relative_to(package) for p in TEMPLATE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert files and files <= covered, sorted(map(str, files - covered))
