"""Shared fixtures: a temporary copy of the project, and one real site build per test session."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = ["review.yml", "mkdocs.yml", "published-urls.txt", "studies", "docs", "evidence_site", "overrides", "build_site.py"]


def copy_project(dest: Path, studies: bool = True) -> Path:
    """A working copy of the project (code, config, data) in dest, for tests that change files."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if part == "studies" and not studies:
            (dest / "studies").mkdir()
        elif src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real project built once with the real MkDocs build (strict), into a temporary folder."""
    from evidence_site.build import build

    site_dir = tmp_path_factory.mktemp("built") / "site"
    build(ROOT, site_dir)
    return site_dir


PUBLISHED_URL = "https://evidence.example.org/social-media-review/"


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The real project built as for deployment, with SITE_URL set (canonical links, card URLs)."""
    import os

    from evidence_site.build import build

    site_dir = tmp_path_factory.mktemp("published") / "site"
    os.environ["SITE_URL"] = PUBLISHED_URL
    try:
        build(ROOT, site_dir)
    finally:
        del os.environ["SITE_URL"]
    return site_dir


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
