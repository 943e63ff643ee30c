"""The accessibility statement (issue 14 item 4): /accessibility/ shows what the committed test
record says, says plainly when there is none, refuses a malformed one, and every page links to it."""

from __future__ import annotations

import datetime
import html as html_module
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_site.accessibility import RECORD, make_record, read_record, write_record
from evidence_site.build import build

ROOT = Path(__file__).resolve().parent.parent
PASSES = [{"name": "light", "palette": "light", "width": 1280, "pages": 57, "violations": 0},
          {"name": "phone", "palette": "light", "width": 360, "pages": 57, "violations": 2}]
OUTCOMES = [("tests/browser/test_browser_pages.py::test_no_axe_violations_in_light_palette", "passed"),
            ("tests/browser/test_browser_pages.py::test_no_axe_violations_at_phone_width", "failed"),
            ("tests/browser/test_browser_keyboard.py::test_every_scrolling_region_takes_keyboard_focus[x]", "passed"),
            ("tests/browser/test_browser_print.py::test_print_hides_navigation_chrome", "skipped")]


def text_of(html: str) -> str:
    article = html[html.index("<article"):html.index("</article>")]
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_the_record_says_what_the_run_checked():
    record = make_record(PASSES, OUTCOMES, {"Chromium": "140.0", "axe-core": "4.14.1"}, datetime.date(2026, 11, 30))
    assert record["date"] == "2026-11-30"
    assert record["checks"] == {"axe": {"passed": 1, "failed": 1, "skipped": 0},
                                "keyboard": {"passed": 1, "failed": 0, "skipped": 0},
                                "print": {"passed": 0, "failed": 0, "skipped": 1}}
    assert record["tests"] == {"passed": 2, "failed": 1, "skipped": 1}


def test_statement_reads_the_committed_record(project: Path, tmp_path: Path):
    write_record(project / RECORD, make_record(PASSES, OUTCOMES, {"Chromium": "140.0.1", "axe-core": "4.14.1"},
                                               datetime.date(2026, 11, 30)))
    site = build(project, tmp_path / "site")
    text = text_of((site / "accessibility" / "index.html").read_text(encoding="utf-8"))
    assert "(WCAG) 2.2 at level AA" in text
    assert "The last recorded check ran on 2026-11-30 , with Chromium 140.0.1, axe-core 4.14.1" in text
    assert "It found problems: 2 axe-core violations and 1 failed test" in text
    assert "phone light 360 px 57 2" in text and "light light 1280 px 57 0" in text
    assert "keyboard only" in text and "Not part of that run:" in text and "HTML conformance" in text
    assert "No record of an accessibility check" not in text
    assert "No contact address has been set for this copy of the site yet" in text  # review.yml names neither site.contact nor site.repository
    # quoted in part, the EASS sentence must not say that the site is published by a public sector body
    assert ("if all three of these apply: you are in the UK, this site's publisher is a UK public sector body, "
            "and you are not happy with how the publisher responds to you.") in text
    assert "the site is published by a public sector body" not in text


def test_statement_says_plainly_when_no_record_exists(project: Path, tmp_path: Path):
    assert not (project / RECORD).exists()
    site = build(project, tmp_path / "site")
    text = text_of((site / "accessibility" / "index.html").read_text(encoding="utf-8"))
    assert ("No record of an accessibility check has been published with this version of the site, "
            "so the date of the last check is not known.") in text
    assert "The last recorded check ran on" not in text


def test_a_malformed_record_is_a_problem_line_not_a_traceback(project: Path):
    (project / RECORD).write_text('{"date": "2026-11-30",\n "engines": ', encoding="utf-8")
    result = subprocess.run([sys.executable, "build_site.py", "build"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{RECORD}:2:" in result.stderr + result.stdout and "[bad-record]" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    (project / RECORD).write_text('{"date": "yesterday"}', encoding="utf-8")
    with pytest.raises(Exception, match="not a date"):
        read_record(project)


def test_every_page_links_to_the_statement(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    missing = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:  # a redirect page of mkdocs-redirects
            continue
        depth = len(page.relative_to(built_site).parts) - 1
        footer = html[html.find('<footer'):] if "<footer" in html else html[html.find('class="es-embed__about"'):]
        here = page.relative_to(built_site).as_posix() == "accessibility/index.html"
        if not re.search(r'href="(\.\./)*accessibility/"|href="/accessibility/"' + (r'|href="\./"' if here else ""), footer):
            missing.append(f"{page.relative_to(built_site)} (depth {depth})")
    assert not missing, missing
