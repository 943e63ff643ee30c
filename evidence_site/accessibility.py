"""The record of the last accessibility check, which /accessibility/ reads (issue 14 item 4).

The browser tests write it when asked (ACCESSIBILITY_RECORD=path, or scripts/accessibility_record.py):
the date of the run, the engines' versions, each pass over the pages (palette, width, pages checked,
axe-core violations) and the outcome of each other kind of check. It is committed as data, so the
statement's date comes from a test run and is never typed by hand. No record: the page says so.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from .problems import InputError, Problem

RECORD = "accessibility-record.json"  # beside mkdocs.yml

# The kinds of check the statement names, found by words in the tests' ids (the first that matches).
CHECKS = (
    ("axe", "test_no_axe_violations", "axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules: every page in the light palette; "
     "the sample of pages in the dark palette and at 360 px"),
    ("keyboard", "keyboard", "keyboard only: every scrolling region takes focus; the studies table sorts and filters"),
    ("no-javascript", "without_javascript", "with JavaScript off: every number on every page is there"),
    ("print", "print", "print: each page prints, without the navigation, with the address of outside links"),
    ("contrast", "contrast", "colour contrast of the effect colours in both palettes"),
    ("html", "test_conformance", "HTML conformance (the Nu Html Checker)"),
    ("links", "link", "every internal link and anchor resolves"),
    ("network", "foreign_request", "no request to another site, no failed request, no console error"),
    ("phone", "horizontal_scroll", "no sideways scrolling at 360 px"),
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def kind_of(test_id: str) -> str | None:
    for key, words, _ in CHECKS:
        if words in test_id:
            return key
    return None


def make_record(passes: list[dict], outcomes: list[tuple[str, str]], engines: dict[str, str],
                today: datetime.date | None = None) -> dict:
    """The record of one test run. outcomes: (test id, 'passed' | 'failed' | 'skipped') for each test."""
    checks = {key: {"passed": 0, "failed": 0, "skipped": 0} for key, _, _ in CHECKS}
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for test_id, outcome in outcomes:
        totals[outcome] += 1
        kind = kind_of(test_id)
        if kind:
            checks[kind][outcome] += 1
    return {
        "date": (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat(),
        "engines": dict(sorted(engines.items())),
        "passes": sorted(passes, key=lambda p: p["name"]),
        "checks": {key: value for key, value in checks.items() if any(value.values())},
        "tests": totals,
    }


def write_record(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def read_record(root: Path, name: str = RECORD) -> dict | None:
    """The committed record, or None when there is none; a malformed one is a problem line."""
    path = root / name
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError([Problem(name, error.lineno, error.colno, "(file)", f"is not valid JSON ({error.msg}); "
                                  "write it again with scripts/accessibility_record.py", "bad-record")]) from None
    problems = []
    if not isinstance(record, dict) or not _DATE.fullmatch(str(record.get("date", ""))):
        problems.append(Problem(name, 1, 1, "date", "is missing or not a date; expected YYYY-MM-DD", "bad-record"))
    elif not all(isinstance(record.get(k), t) for k, t in
                 (("engines", dict), ("passes", list), ("checks", dict), ("tests", dict))):
        problems.append(Problem(name, 1, 1, "(file)", "lacks engines, passes, checks or tests; write it again with "
                                "scripts/accessibility_record.py", "bad-record"))
    if problems:
        raise InputError(problems)
    record["violations"] = sum(p.get("violations", 0) for p in record["passes"])
    record["check_list"] = [{"key": key, "label": label, **record["checks"][key]}
                            for key, _, label in CHECKS if key in record["checks"]]
    record["not_run"] = [label for key, _, label in CHECKS if key not in record["checks"]]
    return record
