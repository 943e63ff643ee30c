"""Hostile and broken study files: nothing injected, nothing lost, every failure explained.

Each case in tests/hostile/ is a spec, <case>.expect.yml, naming the files it drops into studies/
and the outcome it must have (see tests/hostile/README.md). For every case the test copies the
project into a temporary folder with a previous site/ already in place, drops the files in, runs
`check` and `build` through the real command line (in this process, see cli_runner.py), and asserts:

- rejected files: exit status 1 from both commands, exactly the expected problems on stderr (compared
  by file, line, column, field and code, so rewording a message changes one exact-text test in
  test_messages.py, not dozens of cases here), the count line, nothing on stdout, and the previous
  site/ byte-identical afterwards;
- accepted files: exit status 0, and every built page parsed with html.parser shows the hostile
  text as text while having no event-handler attribute, no javascript:/data: URL, no foreign
  element and no script that the page's Content-Security-Policy does not allow;
- always: no traceback, nothing written outside site/, no staging folder left behind, and each
  command finishes within TIME_LIMIT seconds.

A few cases also run as real processes (PROCESS_CASES), for the exit status and the absence of a
traceback as a maintainer's shell sees them; the kill tests below always use real processes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from cli_runner import run_cli, run_process
from conftest import copy_project
from html_safety import Page, site_pages

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = sorted(p.name[: -len(".expect.yml")] for p in HOSTILE.glob("*.expect.yml"))
DEFAULT_NAME = "hostile-2020.yml"
TIME_LIMIT = 60  # seconds per command; a hostile file must stay cheap


def pretend_today() -> datetime.date:
    """The day the tests pretend it is: 2026-11-26, or the newest date in the real study files if
    later (a maintainer's file dated today must not be "in the future" here). Cases about the
    future write @NEXT_YEAR@, which becomes the year after this day."""
    dates = [datetime.date(2026, 11, 26)]
    for path in (HOSTILE.parent.parent / "studies").glob("*.yml"):
        dates += [datetime.date.fromisoformat(d) for d in
                  re.findall(r"^(?:added|updated): (\d{4}-\d\d-\d\d)\s*$", path.read_text(encoding="utf-8"), re.M)]
    return max(dates)


TODAY = pretend_today()
TODAY_EPOCH = str(int(datetime.datetime.combine(TODAY, datetime.time(), datetime.timezone.utc).timestamp()))
ACCEPTED_CHECK = "OK: review.yml and {n} study files are valid and consistent with the review's reported results.\n"
PREVIOUS_SITE = {
    "index.html": b"<!doctype html><title>previous site</title><p>the last good build</p>\n",
    "studies/brown-2020/index.html": b"<p>an older study page</p>\n",
    "assets/site.css": b"body { color: black }\n",
}


def load_spec(case: str) -> dict:
    spec = yaml.safe_load((HOSTILE / f"{case}.expect.yml").read_text(encoding="utf-8"))
    assert spec["outcome"] in ("accepted", "rejected"), case
    return spec


def make_file(dest: Path, recipe: dict) -> None:
    """Write one input file from its recipe (so invalid or huge bytes are never committed)."""
    if "symlink" in recipe:
        os.symlink(recipe["symlink"], dest)
        return
    if "from" in recipe:
        text = (HOSTILE / recipe["from"]).read_text(encoding="utf-8")
    elif "parts" in recipe:  # [[text, times], ...]
        text = "".join(piece * times for piece, times in recipe["parts"])
    else:
        text = recipe.get("text", "")
    text += recipe.get("then", "")
    if "id" in recipe:  # the same case under another id, to share a build with other cases
        text = re.sub(r"(?m)^id: hostile-2020$", f"id: {recipe['id']}", text)
    text = text.replace("@NEXT_YEAR@", str(TODAY.year + 1))
    data = text.encode(recipe.get("encoding", "utf-8"))
    if "pad_to" in recipe:  # a long YAML comment up to exactly pad_to bytes
        filler = recipe["pad_to"] - len(data) - 2
        assert filler >= 0, recipe
        data += b"#" + b"x" * filler + b"\n"
    dest.write_bytes(data)


def tree(folder: Path, skip: str | None = None) -> dict[str, str]:
    """Every file and link under folder (except the subfolder skip) -> a digest of its bytes or target."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if skip and (rel == skip or rel.startswith(skip + "/")) or "__pycache__" in rel:
            continue
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def outside_site(tmp_path: Path) -> dict[str, str]:
    """Every file of the case's folder but site/ and the cache (checked on its own)."""
    return {rel: digest for rel, digest in tree(tmp_path, skip="project/site").items()
            if rel != "project/.cache" and not rel.startswith("project/.cache/")}


def with_previous_site(project: Path) -> dict[str, str]:
    """A small previous site/ in project, and its digest."""
    for rel, content in PREVIOUS_SITE.items():
        (project / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / "site" / rel).write_bytes(content)
    return tree(project / "site")


ENV = {"SOURCE_DATE_EPOCH": TODAY_EPOCH}
# Cases that also run as real processes: one rejected by the loader, one by the validator, one accepted.
PROCESS_CASES = {"yaml-python-object-apply", "value-doi-javascript", "text-script-tag"}
PROBLEM = re.compile(r"^(?P<where>.+?:\d+:\d+): (?P<field>.*?): .* \[(?P<code>[a-z0-9-]+)\]$", re.S)


def run(project: Path, *args: str, process: bool = False):
    result = (run_process(project, *args, env=ENV, timeout=TIME_LIMIT) if process
              else run_cli(project, *args, env=ENV))
    return result, result.seconds


def problem_key(line: str) -> tuple:
    """What a problem line must keep when its wording changes: place, field and code."""
    match = PROBLEM.match(line)
    return (match["where"], match["field"], match["code"]) if match else (line,)


def summary_line(problems: list[str]) -> str:
    files = {line.split(":", 1)[0] for line in problems}
    noun = "problem" if len(problems) == 1 else "problems"
    return f"Found {len(problems)} {noun} in {len(files)} file{'s' if len(files) != 1 else ''}."


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith((".site-build-", ".site-old-")))


# Accepted cases that share builds: each drops one file, hostile-2020.yml with `id: hostile-2020`,
# into studies/, and up to BATCH_SIZE of them go into one project, each under its own id
# (hostile-2020, hostile-2020b, ...), for one `check` and one `build`. Sharing hides nothing: every
# page of the shared build is scanned for dangers, and each case must still show each of its own
# texts, as text, on its pages; a case whose markup went live (an unclosed comment, say, that could
# hide another case's script) fails its own texts. BATCH_SIZE keeps the added files within the review's reported counts.
BATCH_SIZE = 4


def case_files(case: str) -> dict[str, dict]:
    """The files a case drops into studies/, by name: its spec's, or its own file as hostile-2020.yml."""
    return load_spec(case).get("files") or {DEFAULT_NAME: {"from": f"{case}.yml"}}


def _shares_builds(case: str) -> bool:
    files = case_files(case)
    source = HOSTILE / files.get(DEFAULT_NAME, {}).get("from", "-")
    text = source.read_text(encoding="utf-8") if list(files) == [DEFAULT_NAME] and source.is_file() else ""
    return (load_spec(case)["outcome"] == "accepted" and case not in PROCESS_CASES
            and len(re.findall(r"(?m)^id: hostile-2020$", text)) == 1 and text.count("hostile-2020") == 1)


SHARED = [case for case in CASES if _shares_builds(case)]
BATCH_OF = {case: i // BATCH_SIZE for i, case in enumerate(SHARED)}
ID_OF = {case: "hostile-2020" + ("", *"bcdefghij")[i % BATCH_SIZE] for i, case in enumerate(SHARED)}
_BATCH_RUNS: dict[int, CaseRun] = {}


def _case_param(case: str):
    """Cases of one batch share a worker under pytest-xdist (their xdist_group), so each batch is built once."""
    marks = [pytest.mark.xdist_group(f"hostile-batch-{BATCH_OF[case]}")] if case in BATCH_OF else []
    return pytest.param(case, marks=marks, id=case)


def test_process_cases_exist():
    assert PROCESS_CASES <= set(CASES)
    assert {load_spec(case)["outcome"] for case in PROCESS_CASES} == {"accepted", "rejected"}


def test_accepted_cases_share_builds_under_distinct_ids():
    assert len(SHARED) >= 2 * BATCH_SIZE, "the accepted cases no longer share builds"
    for batch in set(BATCH_OF.values()):
        ids = [ID_OF[case] for case in SHARED if BATCH_OF[case] == batch]
        assert len(set(ids)) == len(ids) <= BATCH_SIZE, ids


@pytest.mark.parametrize("case", [_case_param(case) for case in CASES])
def test_hostile_case(case, tmp_path, tmp_path_factory):
    spec = load_spec(case)
    if case not in BATCH_OF:
        return check_outcome(CaseRun(tmp_path, case_files(case)), spec)
    batch = BATCH_OF[case]
    if batch not in _BATCH_RUNS:
        files = {f"{ID_OF[c]}.yml": {**case_files(c)[DEFAULT_NAME], "id": ID_OF[c]}
                 for c in SHARED if BATCH_OF[c] == batch}
        _BATCH_RUNS[batch] = CaseRun(tmp_path_factory.mktemp(f"hostile-batch-{batch}"), files)
    shows = {rel.replace("studies/hostile-2020/", f"studies/{ID_OF[case]}/"): texts
             for rel, texts in (spec.get("shows") or {}).items()}
    check_outcome(_BATCH_RUNS[batch], {**spec, "shows": shows})


@pytest.mark.parametrize("case", sorted(PROCESS_CASES))
def test_hostile_case_as_a_process(case, tmp_path):
    check_outcome(CaseRun(tmp_path, case_files(case), process=True), load_spec(case))


class CaseRun:
    """One project with the case's files dropped into studies/ and a previous site/, after `check`
    and `build`; what both printed, and what the folder looked like before and after."""

    def __init__(self, tmp_path: Path, files: dict[str, dict], process: bool = False):
        self.project = project = copy_project(tmp_path / "project")
        self.studies_before = len(list((project / "studies").glob("*.yml")))
        self.files = files
        for name, recipe in files.items():
            make_file(project / "studies" / name, recipe)
        self.previous_site = with_previous_site(project)
        outside_before = outside_site(tmp_path)
        self.check, check_time = run(project, "check", process=process)
        self.build, build_time = run(project, "build", process=process)
        self.times = (check_time, build_time)
        self.cached = tree(project / ".cache")
        self.outside_unchanged = outside_site(tmp_path) == outside_before
        self.leftovers = leftovers(project)
        self._dangers: list[str] | None = None
        self._parsed: dict[str, Page] = {}

    def pages(self) -> dict[str, Page]:
        """Every built page, parsed, by its path under site/."""
        if not self._parsed:
            site = self.project / "site"
            self._parsed = {path.relative_to(site).as_posix(): Page(path) for path in site_pages(site)}
        return self._parsed

    def dangers(self) -> list[str]:
        """Whatever on any page, or in the search index, could run or inject markup."""
        if self._dangers is None:
            problems = [f"{rel}: {danger}" for rel, page in self.pages().items() for danger in page.dangers()]
            index = self.project / "site" / "search" / "search_index.json"  # results are shown as HTML
            for doc in json.loads(index.read_text(encoding="utf-8"))["docs"] if index.exists() else []:
                entry = Page(text=f"<h1>{doc['title']}</h1>{doc['text']}")
                problems += [f"search index {doc['location']}: {danger}" for danger in entry.dangers()]
                problems += [f"search index {doc['location']}: a script element" for _ in entry.scripts]
            self._dangers = problems
        return self._dangers


def check_outcome(run: CaseRun, spec: dict) -> None:
    check, build, project = run.check, run.build, run.project
    if os.environ.get("HOSTILE_TIMINGS"):  # a file to add each case's figures to, for reports
        with open(os.environ["HOSTILE_TIMINGS"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"files": sorted(run.files), "outcome": spec["outcome"],
                                  "check_s": round(run.times[0], 3), "build_s": round(run.times[1], 3),
                                  "exit": [check.returncode, build.returncode],
                                  "traceback": "Traceback" in check.stderr + build.stderr + check.stdout
                                  + build.stdout}) + "\n")

    for result in (check, build):
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        assert "unexpected failure" not in result.stderr, result.stderr
        assert result.seconds < TIME_LIMIT, f"{result.seconds:.1f} s"
    # Besides site/, only the cache (evidence_site/cache.py) may be written: study entries named by their
    # key, compiled templates named by Jinja's, figure PNGs named by their SVG's hash.
    assert all(re.fullmatch(r"evidence-site(/[0-9a-f]{2}(/[0-9a-f]{64}\.json)?|/templates(/__jinja2_[0-9a-f]{40}\.cache)?"
                            r"|/figures(/[0-9a-f]{64}\.png)?)?", rel) for rel in run.cached), run.cached
    assert run.outside_unchanged, "something was written outside site/"
    assert run.leftovers == [], "a staging folder was left behind"

    if spec["outcome"] == "rejected":
        expected = [problem_key(line) for line in spec["problems"]] + [(summary_line(spec["problems"]),)]
        for result in (check, build):
            assert (result.returncode, result.stdout) == (1, ""), result.stderr
            assert [problem_key(line) for line in result.stderr.splitlines()] == expected, result.stderr
        assert tree(project / "site") == run.previous_site, "the previous site/ changed after a failed build"
        return

    n = run.studies_before + len(run.files)
    ok, *notes = check.stdout.splitlines(keepends=True)
    assert (check.returncode, ok, check.stderr) == (0, ACCEPTED_CHECK.format(n=n), "")
    assert all(note.startswith("Note: ") for note in notes), notes  # e.g. the studies without a DOI
    assert (build.returncode, build.stderr) == (0, ""), build.stderr
    assert build.stdout == f"Built the site into {project / 'site'}\n"
    assert len(list((project / "site").glob("studies/*/index.html"))) == n
    assert run.dangers() == []
    for rel, texts in (spec.get("shows") or {}).items():
        for text in texts:
            assert text in run.pages()[rel].text, f"{rel} does not show {text!r} as text"


# Atomic builds: a build killed at any moment leaves the previous site/ byte-identical ---------------

SLOW_HOOK = '''"""Test hook: the staging folder is complete; signal it, then wait to be killed before the swap."""
import os
import pathlib
import time


def on_post_build(config):
    pathlib.Path(os.environ["BUILT_MARKER"]).write_text("built")
    time.sleep(120)
'''


def start_build(project: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "build_site.py", "build"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env})


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.001)
    return False


def staging_folders(project: Path) -> list[Path]:
    return sorted(project.glob(".site-build-*"))


def test_build_killed_before_the_swap_leaves_the_previous_site(tmp_path):
    project = copy_project(tmp_path / "project")
    previous = with_previous_site(project)
    (project / "slow_hook.py").write_text(SLOW_HOOK)
    config = (project / "mkdocs.yml").read_text()
    (project / "mkdocs.yml").write_text(config + "\nhooks:\n  - slow_hook.py\n")
    marker = tmp_path / "built"
    build = start_build(project, BUILT_MARKER=str(marker))
    try:
        assert wait_for(marker.exists, TIME_LIMIT), build.communicate(timeout=5)
        staging = staging_folders(project)
        assert len(staging) == 1 and (staging[0] / "index.html").exists()  # the new site is complete ...
    finally:
        build.kill()  # ... and the build dies before swapping it in (SIGKILL: no cleanup runs)
        build.communicate()
    assert build.returncode == -9
    assert tree(project / "site") == previous
    assert staging_folders(project) == staging  # the killed build's staging folder is left over

    (project / "mkdocs.yml").write_text(config)
    result, _ = run(project, "build", process=True)
    assert result.returncode == 0, result.stderr
    assert staging_folders(project) == [] and leftovers(project) == []  # the next build cleans it up
    assert (project / "site" / "studies" / "brown-2020" / "index.html").exists()
    assert tree(project / "site") != previous


def test_build_killed_as_soon_as_it_starts_writing_leaves_the_previous_site(tmp_path):
    project = copy_project(tmp_path / "project")
    previous = with_previous_site(project)
    for _attempt in range(5):
        build = start_build(project)
        appeared = wait_for(lambda: staging_folders(project) or build.poll() is not None, TIME_LIMIT)
        build.kill()
        build.communicate()
        assert appeared
        if build.returncode == -9:  # killed mid-way, not already finished
            break
    assert build.returncode == -9
    assert tree(project / "site") == previous
    assert len(staging_folders(project)) == 1


def test_build_killed_between_the_two_renames_gets_the_previous_site_back(tmp_path):
    """The swap renames site/ aside, then the new folder into place; a kill between the two leaves
    no site/ at all. The next build, even one that fails, puts the previous site back first."""
    project = copy_project(tmp_path / "project")
    previous = with_previous_site(project)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (project / "site").rename(project / f".site-old-{dead.pid}")
    (project / f".site-build-{dead.pid}-x1y2z3").mkdir()
    (project / "studies" / "hall-2019.yml").write_text("id: [unclosed\n")
    result, _ = run(project, "build", process=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert tree(project / "site") == previous
    assert leftovers(project) == []


def test_a_running_build_is_never_cleaned_up_by_another(tmp_path):
    project = copy_project(tmp_path / "project")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        staging = project / f".site-build-{alive.pid}-a1b2c3"
        staging.mkdir()
        result, _ = run(project, "build")
        assert result.returncode == 0, result.stderr
        assert staging.is_dir()
    finally:
        alive.kill()
        alive.wait()
