"""The studies table: sorting by each column and filtering by intervention type, outcome and
quality, with the mouse and by keyboard alone. Expected rows come from the study files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .sitecheck import expect_none

ROOT = Path(__file__).resolve().parents[2]

ROWS_JS = """() => Array.from(document.querySelectorAll('#studies-table tbody tr'), tr => ({
    id: tr.id, hidden: tr.hidden || getComputedStyle(tr).display === 'none',
    cells: Array.from(tr.cells, c => (c.getAttribute('data-sort') ?? c.textContent).trim())}))"""


@pytest.fixture(scope="module")
def studies() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "studies").glob("*.yml"))]


def expected_ids(studies, attribute: str, value: str) -> set[str]:
    """Study ids a filter should keep, read from the study files themselves."""
    keep = set()
    for s in studies:
        have = {"type": [s["intervention"]["type"]],
                "outcomes": [o["domain"] for o in s.get("outcomes") or []],
                "quality": [(s.get("quality") or {}).get("global") or "none"]}[attribute]
        if value in have:
            keep.add(s["id"])
    return keep


@pytest.fixture
def studies_page(page, site_url):
    page.goto(site_url + "/studies/")
    page.wait_for_selector("#study-filters:not([hidden])")
    yield page
    expect_none(page.recorder.problems(), "network or console problems on /studies/")


def rows(page) -> list[dict]:
    return page.evaluate(ROWS_JS)


def sort_key(value: str, numeric: bool):
    return float(value) if numeric else value.strip().lower()


def assert_sorted(page, column: int, numeric: bool, direction: str) -> list[str]:
    keys = [sort_key(r["cells"][column], numeric) for r in rows(page)]
    expected = sorted(keys, reverse=direction == "descending")
    assert keys == expected, f"column {column} is not in {direction} order: {keys}"
    return [r["id"] for r in rows(page)]


def test_every_column_sorts_both_ways(studies_page):
    page = studies_page
    headers = page.locator("#studies-table thead th")
    assert headers.count() >= 10
    for column in range(headers.count()):
        header = headers.nth(column)
        numeric = header.get_attribute("data-sort-method") == "number"
        values = {r["cells"][column] for r in rows(page)}
        header.click()
        first = header.get_attribute("aria-sort")
        assert first in ("ascending", "descending"), f"column {column} did not sort"
        order = assert_sorted(page, column, numeric, first)
        header.click()
        second = header.get_attribute("aria-sort")
        assert {first, second} == {"ascending", "descending"}
        reversed_order = assert_sorted(page, column, numeric, second)
        if len(values) > 1:
            assert order != reversed_order, f"column {column}: sorting both ways gave the same order"


FILTERS = [("filter-type", "type"), ("filter-outcome", "outcomes"), ("filter-quality", "quality")]


@pytest.mark.parametrize("select_id, attribute", FILTERS)
def test_filters_keep_exactly_the_matching_studies(studies_page, studies, select_id, attribute):
    page = studies_page
    everyone = {s["id"] for s in studies}
    options = page.eval_on_selector_all(f"#{select_id} option", "os => os.map(o => o.value)")
    assert options[0] == "" and len(options) > 2
    for value in options:
        page.select_option(f"#{select_id}", value)
        shown = {r["id"] for r in rows(page) if not r["hidden"]}
        want = everyone if value == "" else expected_ids(studies, attribute, value)
        assert shown == want, f"{select_id}={value!r} shows {sorted(shown)}, expected {sorted(want)}"
        status = page.text_content("#filter-status")
        assert f"Showing {len(want)} of {len(everyone)}" in status
    page.select_option(f"#{select_id}", "")


def press_tab_until(page, selector: str, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching selector has focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} could not be reached with {key} in {limit} presses")


def test_filter_and_sort_by_keyboard_alone(studies_page, studies):
    page = studies_page
    everyone = {s["id"] for s in studies}
    # An outcome that some but not all studies measured, so the filter visibly changes the table.
    outcome_options = page.eval_on_selector_all("#filter-outcome option", "os => os.map(o => o.value)")
    counts = {v: len(expected_ids(studies, "outcomes", v)) for v in outcome_options[1:]}
    target = next(v for v in outcome_options[1:] if 0 < counts[v] < len(everyone))

    press_tab_until(page, "#filter-outcome")
    for _ in range(outcome_options.index(target)):
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#filter-outcome", "s => s.value") == target
    shown = {r["id"] for r in rows(page) if not r["hidden"]}
    assert shown == expected_ids(studies, "outcomes", target)

    header = "#studies-table thead th[data-sort-method='number']"
    press_tab_until(page, header)
    page.keyboard.press("Enter")
    column = page.eval_on_selector(header, "th => th.cellIndex")
    direction = page.get_attribute(header, "aria-sort")
    assert direction in ("ascending", "descending")
    assert_sorted(page, column, True, direction)
    page.keyboard.press("Enter")
    assert page.get_attribute(header, "aria-sort") != direction

    # Back to all studies, still by keyboard: Shift+Tab to the outcome filter, Home selects "All".
    press_tab_until(page, "#filter-outcome", key="Shift+Tab")
    page.keyboard.press("Home")
    assert {r["id"] for r in rows(page) if not r["hidden"]} == everyone
