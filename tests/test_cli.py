"""The command line as a maintainer uses it: exit codes, messages, no tracebacks, site kept on failure.

Most tests run the real command line in this process (cli_runner.run_cli); the ones marked
`as a process` start `python build_site.py` for what only a real process shows.
"""

import hashlib
from pathlib import Path

import pytest

from cli_runner import run_cli, run_process
from conftest import next_free_id

run = run_cli


def tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_ok(project):
    result = run(project, "check")
    assert result.returncode == 0, result.stderr
    files = len(list((project / "studies").glob("*.yml")))
    assert result.stdout.splitlines()[0] == (f"OK: review.yml and {files} study files are valid and consistent with "
                                             "the review's reported results.")


def test_check_reports_every_problem_and_exits_1(project):
    brown = project / "studies" / "brown-2020.yml"
    brown.write_text(brown.read_text().replace("  type: abstinence", "  type: abstinance"))
    (project / "studies" / "hall-2019.yml").write_text("id: hall-2019\nid: again\n")
    result = run(project, "check")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "studies/brown-2020.yml:22:3: intervention.type: 'abstinance' is not a known intervention type (did you "
        "mean 'abstinence'?); expected one of: therapy-based, limiting-use, abstinence "
        "(codebook.intervention_types in review.yml) [not-in-codebook]",
        "studies/hall-2019.yml:2:1: id: duplicate key; 'id' is already given on line 1 [duplicate-key]",
        "Found 2 problems in 2 files.",
    ]
    assert "Traceback" not in result.stderr


def test_failed_build_leaves_previous_site_untouched_as_a_process(project):
    run = run_process
    first = run(project, "build")
    assert first.returncode == 0, first.stderr
    before = tree_digest(project / "site")
    assert "index.html" in before and "studies/brown-2020/index.html" in before
    (project / "studies" / "brown-2020.yml").write_text("title: [\n")
    failed = run(project, "build")
    assert failed.returncode == 1
    assert failed.stderr.startswith("studies/brown-2020.yml:")
    assert "Traceback" not in failed.stderr
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site-build-*"))


def test_build_failure_inside_mkdocs_is_reported_without_traceback(project):
    # A nav in mkdocs.yml that disagrees with the page registry stops the build inside MkDocs.
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text() + "nav:\n  - Methods: missing.md\n")
    result = run(project, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "The previous site/ is unchanged." in result.stderr
    assert not (project / "site").exists()


def test_new_writes_a_commented_template_that_fails_check_until_filled(project):
    result = run(project, "new", "Smith", "2021")
    assert result.returncode == 0, result.stderr
    path = project / "studies" / "smith-2021.yml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../evidence_site/schema/study.schema.json\n")
    assert "id: \"smith-2021\"" in text and "# Number of participants the study reports" in text
    check = run(project, "check")
    assert check.returncode == 1
    assert "studies/smith-2021.yml" in check.stderr and "Traceback" not in check.stderr
    filled = (text.replace("authors: []", "authors: [Ann Smith]")
              .replace("title: null", "title: A made-up study for this test", 1)
              .replace("journal: null", "journal: Test Journal", 1)
              .replace("  type: null", "  type: limiting-use")
              .replace("description: null", "description: Less time on social media.")
              .replace("  - domain: null", "  - domain: depression")
              .replace("    name: null", "    name: depression"))
    path.write_text(filled)
    assert run(project, "check").returncode == 0, run(project, "check").stderr


def test_new_refuses_to_overwrite(project):
    result = run(project, "new", "brown", "2020")
    assert result.returncode == 2
    assert result.stderr == ("Error: studies/brown-2020.yml already exists; edit it, or add a letter for a second "
                             f"study (e.g. {next_free_id(project, 'brown-2020')})\n")


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["new", "smith"]])
@pytest.mark.parametrize("runner", [run_cli, run_process])
def test_usage_errors_exit_2(project, args, runner):
    result = runner(project, *args)
    assert result.returncode == 2
    assert "usage: build_site.py" in result.stderr
