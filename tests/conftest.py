"""Shared fixtures: a temporary copy of the project, and one real site build per test session."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from cli_runner import environment

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = [".gitignore", "review.yml", "mkdocs.yml", "published-urls.txt", "studies", "docs", "evidence_site", "overrides", "build_site.py"]


# The two builds of the real project that many tests read: built_site (as a maintainer previews it)
# and published_site (SITE_URL set, as deployed). Each is built once a run, before any test and
# before pytest-xdist starts its workers, and every worker reads the same folders (no test writes
# to them; the few that change a site change a copy). Built first, they also leave the compiled
# templates and drawn figures in .cache/ that copy_project hands every copy, even in a fresh clone
# (before, each copy made before the first build compiled the theme's templates again).
PREBUILT = pytest.StashKey[Path]()
PREBUILT_INPUT = "evidence_site_prebuilt"  # the folder's path in each xdist worker's workerinput
PUBLISHED_URL = "https://evidence.example.org/social-media-review/"
SITES = {"built": {}, "published": {"SITE_URL": PUBLISHED_URL}}


def pytest_sessionstart(session):
    """Once per run, in the process that hands out the tests: both builds, into a temporary folder
    removed when the run ends. A build that fails leaves no site; the fixture then builds again in
    the test that needs it, which reports why."""
    config = session.config
    if hasattr(config, "workerinput"):
        return
    from evidence_site.build import build

    folder = config.stash[PREBUILT] = Path(tempfile.mkdtemp(prefix="evidence-site-tests-"))
    for name, env in SITES.items():
        try:
            with environment(env):
                build(ROOT, folder / name / "site")
        except Exception:  # noqa: BLE001  (the tests that build report it)
            shutil.rmtree(folder / name, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: each worker is told where the run's builds are."""
    node.workerinput[PREBUILT_INPUT] = str(node.config.stash[PREBUILT])


def session_site(config, name: str) -> Path:
    """The run's build called name (SITES), built at session start; built here if that failed."""
    folder = (Path(config.workerinput[PREBUILT_INPUT]) if hasattr(config, "workerinput")
              else config.stash.get(PREBUILT, None))
    site = folder / name / "site" if folder else None
    if site is None or not (site / "index.html").is_file():
        from evidence_site.build import build

        site = Path(tempfile.mkdtemp(prefix=f"evidence-site-{name}-")) / "site"
        with environment(SITES[name]):
            build(ROOT, site)
    return site


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pytest.ini): one worker more than the machine has cores. A browser test spends
    part of each page load waiting (for the page to settle, for keys typed with a delay), and with
    one worker a core a tenth of the first minute went idle; a third worker on this 2-core
    machine fills those gaps (measured: idle 6% of the run against 2%, 187 s against 182 s)."""
    return (os.cpu_count() or 1) + 1


def copy_project(dest: Path, studies: bool = True) -> Path:
    """A working copy of the project (code, config, data) in dest, for tests that change files.
    Templates compiled and figures drawn by earlier builds (.cache/evidence-site/templates/ and
    figures/) come along, as in a maintainer's checkout; study entries do not, so every copy loads
    and checks its files afresh."""
    dest.mkdir(parents=True, exist_ok=True)
    for kept in ("templates", "figures"):
        if (ROOT / ".cache" / "evidence-site" / kept).is_dir():
            shutil.copytree(ROOT / ".cache" / "evidence-site" / kept, dest / ".cache" / "evidence-site" / kept,
                            ignore=shutil.ignore_patterns("*.tmp", ".tmp-*"))
    for part in PROJECT_PARTS:
        src = ROOT / part
        if part == "studies" and not studies:
            (dest / "studies").mkdir()
        elif src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


def next_free_id(project: Path, base: str) -> str:
    """base with the first letter from b on whose study file project/studies/ does not hold yet
    (what `new` suggests for a second study by the same author in the same year)."""
    return next(f"{base}{letter}" for letter in "bcdefghijklmnopqrstuvwxyz"
                if not (project / "studies" / f"{base}{letter}.yml").exists())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(request) -> Path:
    """The real project built with the real MkDocs build (strict), as a maintainer previews it."""
    return session_site(request.config, "built")


@pytest.fixture(scope="session")
def published_site(request) -> Path:
    """The real project built as for deployment, with SITE_URL set (canonical links, card URLs)."""
    return session_site(request.config, "published")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/<name>; with --update-golden, write it instead."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = Path(__file__).resolve().parent / "golden" / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"no golden file {path}; run pytest --update-golden and review the diff")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return check


# --- Each browser pass runs once ------------------------------------------------------------
# A pass over every page is a session fixture; its tests share an xdist_group so pytest-xdist's
# --dist loadgroup runs them on one worker. pytest 9.2 broke that without a word
# (pytest-dev/pytest-xdist#1386: each pass then ran on every worker), so a lost group stops the run.
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if not getattr(config.option, "loadgroup", False):
        return
    lost = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(f"pytest-xdist's --dist loadgroup did not group {len(lost)} tests (first: {lost[0]}); "
                                "use the pytest version requirements-dev.txt pins (see requirements-dev.in)")


# --- The accessibility record that /accessibility/ reads (evidence_site/accessibility.py) -------
# Written only when asked: ACCESSIBILITY_RECORD=path (scripts/accessibility_record.py sets it). Each
# pass over every page (light, dark, phone) reports its pages and axe-core violations through the
# test report, which pytest-xdist hands to the controlling process; that process writes the file.
RECORD_ENV = "ACCESSIBILITY_RECORD"
PASSES = {"light": ("light", 1280), "dark": ("dark", 1280), "phone": ("light", 360)}
_record: dict = {"passes": {}, "outcomes": [], "engines": {}}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get(RECORD_ENV) or report.when != "call":
        return
    args = getattr(item, "funcargs", {})
    for name, (palette, width) in PASSES.items():
        if isinstance(args.get(name), dict) and args[name]:
            reports = args[name].values()
            report.user_properties.append(("a11y-pass", json.dumps({
                "name": name, "palette": palette, "width": width, "pages": len(args[name]),
                "violations": sum(len(v["nodes"]) for r in reports for v in r.violations)})))
    if "browser" in args:
        report.user_properties.append(("a11y-engine", json.dumps({"Chromium": args["browser"].version})))


def pytest_runtest_logreport(report):
    if not os.environ.get(RECORD_ENV):
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _record["outcomes"].append((report.nodeid, report.outcome))
    for key, value in report.user_properties:
        if key == "a11y-pass":
            facts = json.loads(value)
            _record["passes"][facts["name"]] = facts
        elif key == "a11y-engine":
            _record["engines"].update(json.loads(value))


def pytest_sessionfinish(session):
    if PREBUILT in session.config.stash:  # the process that made the run's builds removes them
        shutil.rmtree(session.config.stash[PREBUILT], ignore_errors=True)
    path = os.environ.get(RECORD_ENV)
    if not path or hasattr(session.config, "workerinput"):  # xdist workers hand their reports on
        return
    from importlib.metadata import version

    from evidence_site.accessibility import make_record, write_record

    axe = re.match(r"/\*! axe v([\d.]+)", (ROOT / "tests/browser/vendor/axe-core/axe.min.js").read_text(encoding="utf-8"))
    engines = {**_record["engines"], "Playwright": version("playwright")}
    if axe:
        engines["axe-core"] = axe.group(1)
    tested = [(nodeid, outcome) for nodeid, outcome in _record["outcomes"]
              if "tests/browser/" in nodeid or "test_conformance" in nodeid]
    write_record(Path(path), make_record(list(_record["passes"].values()), tested, engines))
