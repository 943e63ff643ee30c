"""`diff <ref>`: what a change does to the evidence, on made-up git repositories in temporary folders.

Each repository is a copy of the project (copy_project) with the made-up review, committed with
git; the tests then add, change or remove study files in that copy, never in studies/.
"""

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_runner import run_cli, run_process
from conftest import FIXTURES, copy_project
from evidence_site.build import prepare
from evidence_site.diff import figures
from evidence_site.render import render_pages

ROOT = Path(__file__).resolve().parent.parent
MADEUP = FIXTURES / "madeup-review"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(autouse=True)
def git_env(monkeypatch, tmp_path):
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # a folder here is never inside another repository


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit_all(repo: Path, message: str = "data") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short=7", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The project with the made-up review and three of its four studies, committed on main."""
    root = copy_project(tmp_path / "repo", studies=False)
    shutil.copy2(MADEUP / "review.yml", root / "review.yml")
    for name in ("alpha-2020", "beta-2021", "gamma-2022"):
        shutil.copy2(MADEUP / "studies" / f"{name}.yml", root / "studies" / f"{name}.yml")
    git(root, "init", "-q", "-b", "main")
    commit_all(root)
    return root


def diff(root: Path, ref: str) -> tuple[int, str, str]:
    result = run_cli(root, "diff", ref)
    return result.returncode, result.stdout, result.stderr


def sha(repo: Path, ref: str = "main") -> str:
    return git(repo, "rev-parse", "--short=7", ref).strip()


EXAMPLE = """\
## What this changes in the evidence

Before: main at {sha}. After: the working tree.

### Studies added (1)

- `delta-2023`: Delta (2023), A made-up study called Delta

### Studies changed (1)

| Study | Field | Before | After |
| --- | --- | --- | --- |
| `beta-2021` | `sample.size` | 20 | 24 |

### Figures that move (8)

| Figure | Before | After |
| --- | --- | --- |
| Headline: study files | 3 | 4 |
| Headline: no-effect overall (study files) | 0 | 1 |
| By intervention type: limiting-use, improved (study files) | 1 of 1 (100%) | 1 of 2 (50%) |
| Quality: moderate (study files) | 0 | 1 |
| Completeness: included studies | 3 of 4 transcribed, 1 missing | 4 of 4 transcribed, 0 missing |
| Completeness: intervention type limiting-use | 1 of 2 transcribed, 1 missing | 2 of 2 transcribed, 0 missing |
| Consistency: verdict | partial: no count from the study files exceeds the review's | complete: every count the review reports matches the study files |
| Consistency: intervention types whose counts must match | therapy-based, abstinence | therapy-based, limiting-use, abstinence |
"""


def example_change(repo: Path) -> None:
    shutil.copy2(MADEUP / "studies" / "delta-2023.yml", repo / "studies" / "delta-2023.yml")
    edit(repo / "studies" / "beta-2021.yml", "size: 20", "size: 24")


def test_added_and_changed_study_exact_markdown_and_the_checkout_is_untouched(repo):
    example_change(repo)
    status_before, head = git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD")
    files = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts and ".cache" not in p.parts}
    assert diff(repo, "main") == (0, EXAMPLE.format(sha=sha(repo)), "")
    assert git(repo, "status", "--porcelain") == status_before and git(repo, "rev-parse", "HEAD") == head
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts and ".cache" not in p.parts} == files


def test_contribute_page_shows_what_diff_prints(repo):
    example_change(repo)
    printed = re.sub(r"main at [0-9a-f]{7}\.", "main at SHA.", diff(repo, "main")[1])
    site = prepare(ROOT)
    page = render_pages(site.review, site.studies, site.summary)["contribute.md"]
    blocks = [html.unescape(block) for block in re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", page, re.S)]
    assert printed.rstrip("\n") in [re.sub(r"main at [0-9a-f]{7}\.", "main at SHA.", b) for b in blocks]
    assert "## What your change does to the evidence {#diff}" in page  # the anchor README points at


def test_no_change_even_when_a_file_is_reformatted(repo):
    beta = repo / "studies" / "beta-2021.yml"
    beta.write_text(beta.read_text(encoding="utf-8") + "# a comment changes no figure\n", encoding="utf-8")
    assert diff(repo, "main") == (0, f"""\
## What this changes in the evidence

Before: main at {sha(repo)}. After: the working tree.

No change to the evidence.
""", "")


def test_removed_study_and_changed_effects(repo):
    (repo / "studies" / "alpha-2020.yml").unlink()
    gamma = repo / "studies" / "gamma-2022.yml"
    edit(gamma, "overall_effect: improved", "overall_effect: no-effect")
    edit(gamma, "    effect: improved", "    effect: mixed")
    status, out, err = diff(repo, "main")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert "### Studies removed (1)" in lines and "### Studies changed (1)" in lines
    assert "- `alpha-2020`: Alpha (2020), A made-up study called Alpha" in lines
    assert "| `gamma-2022` | `outcomes[0].effect` | improved | mixed |" in lines
    assert "| `gamma-2022` | `overall_effect` | improved | no-effect |" in lines
    assert "| Headline: study files | 3 | 2 |" in lines
    assert "| Headline: improved overall (study files) | 2 | 0 |" in lines
    assert "| Headline: no-effect overall (study files) | 0 | 1 |" in lines
    assert "| By intervention type: therapy-based, improved (study files) | 1 of 2 (50%) | 0 of 1 (0%) |" in lines
    assert "| By outcome: anxiety, improved (study files) | 1 of 1 (100%) | 0 of 1 (0%) |" in lines
    assert "| Completeness: included studies | 3 of 4 transcribed, 1 missing | 2 of 4 transcribed, 2 missing |" in lines
    assert "| Consistency: intervention types whose counts must match | therapy-based, abstinence | abstinence |" \
        in lines
    assert not any(line.startswith("| Consistency: verdict") for line in lines)  # partial on both sides


def test_against_an_older_commit_and_a_review_change(repo):
    first = sha(repo)
    shutil.copy2(MADEUP / "studies" / "delta-2023.yml", repo / "studies" / "delta-2023.yml")
    commit_all(repo, "add delta")
    edit(repo / "review.yml", "    weak: 3\n    moderate: 1\n", "    weak: null\n    moderate: 1\n")
    status, out, err = diff(repo, first)
    assert (status, err) == (0, "")
    assert f"Before: {first}. After: the working tree." in out.splitlines()
    assert "| Quality: weak (review) | 3 of 4 (75%) | not yet transcribed |" in out.splitlines()  # null, no reason
    assert "- `delta-2023`: Delta (2023), A made-up study called Delta" in out.splitlines()


def test_values_are_one_line_without_markup(repo):
    edit(repo / "studies" / "beta-2021.yml", "title: A made-up study called Beta",
         'title: "A | B <b>bold</b> `code` *x* [link](javascript:x) ~~y~~"')
    edit(repo / "studies" / "beta-2021.yml", "  description: A made-up intervention.\n",
         "  description: |\n    first line\n    second line\n")
    status, out, err = diff(repo, "main")
    assert (status, err) == (0, "")
    assert ("| `beta-2021` | `citation.title` | A made-up study called Beta | A \\| B &lt;b&gt;bold&lt;/b&gt; "
            "\\`code\\` \\*x\\* \\[link\\](javascript:x) \\~\\~y\\~\\~ |") in out.splitlines()
    assert ("| `beta-2021` | `intervention.description` | A made-up intervention. | "
            "first line\\\\nsecond line\\\\n |") in out.splitlines()


def test_real_project_removing_a_study(tmp_path):
    """On the real data, whatever it holds: no change, then one study file fewer."""
    root = copy_project(tmp_path / "real")
    git(root, "init", "-q", "-b", "main")
    commit_all(root)
    assert diff(root, "main")[1].endswith("\nNo change to the evidence.\n")
    files = sorted((root / "studies").glob("*.yml"))
    files[0].unlink()
    status, out, err = diff(root, "main")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert "### Studies removed (1)" in lines
    assert any(line.startswith(f"- `{files[0].stem}`: ") for line in lines)
    assert f"| Headline: study files | {len(files)} | {len(files) - 1} |" in lines


def test_figures_name_every_codebook_key_in_six_groups():
    site = prepare(ROOT)
    names = figures(site)
    groups = {name.split(":")[0] for name in names}
    assert groups == {"Headline", "By intervention type", "By outcome", "Quality", "Completeness", "Consistency"}
    codebook = site.review["codebook"]
    for key in [c["key"] for c in codebook["intervention_types"]]:
        assert f"Completeness: intervention type {key}" in names
    for key in [c["key"] for c in codebook["outcomes"]]:
        assert f"Completeness: outcome {key}" in names
    for key in [c["key"] for c in codebook["quality_ratings"]]:
        assert f"Quality: {key} (study files)" in names
    assert names["Headline: study files"] == str(len(list((ROOT / "studies").glob("*.yml"))))
    assert all(isinstance(value, str) and value for value in names.values())


def test_bad_ref(repo):
    assert diff(repo, "no-such-branch") == (1, "", (
        "Error: 'no-such-branch' is not a commit, branch or tag in this repository; expected a git ref such as "
        "main, origin/main or HEAD~1 (for a remote branch, run git fetch first)\n"))


def test_not_a_git_repository(tmp_path):
    root = copy_project(tmp_path / "plain", studies=False)
    assert diff(root, "main") == (1, "", (
        f"Error: {root} is not in a git repository; diff compares the working tree with a git ref\n"))


def test_invalid_files_in_the_working_tree(repo):
    edit(repo / "studies" / "beta-2021.yml", "type: therapy-based", "type: therapy")
    status, out, err = diff(repo, "main")
    lines = err.splitlines()
    assert (status, out, len(lines)) == (1, "", 3)
    assert lines[0] == "Error: the files in the working tree (after) fail check:"
    assert lines[1].startswith("studies/beta-2021.yml:") and lines[1].endswith("[not-in-codebook]")
    assert lines[2] == "Found 1 problem in 1 file."


def test_invalid_files_at_the_ref_and_in_the_working_tree(repo):
    edit(repo / "studies" / "gamma-2022.yml", "size: 30", "size: thirty")
    commit_all(repo, "a bad file")
    status, out, err = diff(repo, "HEAD")
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == "Error: the files at HEAD (before) fail check:"
    assert err.splitlines()[1].startswith("studies/gamma-2022.yml:")
    assert "\nError: the files in the working tree (after) fail check:\n" in err  # the same file fails on both sides
    edit(repo / "studies" / "gamma-2022.yml", "size: thirty", "size: 30")
    status, out, err = diff(repo, "HEAD")
    assert status == 1 and "the working tree" not in err and err.startswith("Error: the files at HEAD (before)")


def test_command_line_exit_status_without_traceback(repo):
    good = run_process(repo, "diff", "main", env=GIT_ENV)
    assert (good.returncode, good.stderr) == (0, "") and good.stdout.endswith("No change to the evidence.\n")
    bad = run_process(repo, "diff", "main~5", env=GIT_ENV)
    assert bad.returncode == 1 and bad.stdout == "" and bad.stderr.startswith("Error: 'main~5' is not a commit")
    assert "Traceback" not in bad.stderr
