"""What a reader does: search offline, follow a finding's link to its place, read on a phone,
read with JavaScript off, and land on a helpful page at a wrong address."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from .sitecheck import describe_violations, expect_none, run_axe

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def studies_measuring(outcome: str) -> set[str]:
    ids = set()
    for path in (ROOT / "studies").glob("*.yml"):
        study = yaml.safe_load(path.read_text(encoding="utf-8"))
        if outcome in [o["domain"] for o in study.get("outcomes") or []]:
            ids.add(study["id"])
    return ids


def search(page, words: str) -> list[str]:
    """Open Material's search from the keyboard, type key by key, return the result links."""
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('.md-search__input')"), "'/' did not focus the search box"
    page.keyboard.type(words, delay=40)
    page.wait_for_selector(".md-search-result__item", timeout=5000)
    return page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.pathname)")


@pytest.mark.parametrize("words, outcome, study", [("Tromholt", None, "tromholt-2016"), ("loneliness", "loneliness", None)])
def test_search_finds_studies_offline(page, site_url, words, outcome, study):
    expected = {study} if study else studies_measuring(outcome)
    assert expected, f"no study file measures {outcome}: pick another search word"
    page.goto(site_url + "/")
    found = search(page, words)
    assert any(f"/studies/{s}/" in found for s in expected), f"searching {words!r} found {found}"
    assert all(u.startswith(site_url + "/") for u in page.recorder.requests)
    expect_none(page.recorder.problems(), "network or console problems while searching")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_search_results_are_accessible(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "/")
        search(page, "Tromholt")
        expect_none(describe_violations(run_axe(page)), f"axe violations with search results open ({scheme})")
    finally:
        context.close()


def test_every_dialog_has_a_name(page, site_url):
    """Lighthouse's aria-dialog-name (an axe best-practice rule, outside the WCAG tags): the theme's
    search dialog has none of its own; overrides/main.html gives it one."""
    page.goto(site_url + "/")
    assert page.locator("[role=dialog]").count() >= 1
    expect_none(describe_violations(run_axe(page, rules=["aria-dialog-name"])), "dialogs without a name")


def test_finding_links_scroll_their_finding_into_view(page, site_url):
    """Each finding link of the summary page, followed, shows its finding below the header. The
    first is clicked; the others are loaded by their address, which is what a click on a plain
    link does (the theme's instant loading is off), without loading the summary page again each time."""
    page.goto(site_url + "/")
    hrefs = page.eval_on_selector_all(".finding__link[href*='#']", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs, "the summary page has no links to findings"
    assert any(h.startswith("findings/#") for h in hrefs)
    for number, href in enumerate(hrefs):
        if number == 0:
            page.click(f".finding__link[href='{href}']")
        else:
            page.goto(site_url + "/" + href)
        fragment = href.split("#", 1)[1]
        page.wait_for_url(f"**#{fragment}")
        page.wait_for_function("id => { const e = document.getElementById(id); return e && e.matches(':target'); }",
                               arg=fragment)
        page.wait_for_timeout(100)
        box = page.evaluate("""id => {
            const r = document.getElementById(id).getBoundingClientRect();
            const header = document.querySelector('.md-header');
            return {top: r.top, bottom: r.bottom, height: innerHeight,
                    header: header ? header.getBoundingClientRect().bottom : 0};
        }""", fragment)
        assert box["top"] >= box["header"] - 1, f"{href}: the target is hidden under the header: {box}"
        assert box["top"] < box["height"], f"{href}: the target is below the window: {box}"
    page.recorder.settle(page)
    expect_none(page.recorder.problems(), "network or console problems")


@pytest.mark.parametrize("path", ["/studies/", "/findings/"])
def test_wide_tables_scroll_in_their_own_box_on_a_phone(browser, site_url, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(site_url + path)
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('article table'), t => {
            let box = t.parentElement;
            while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
            return {caption: (t.caption ? t.caption.textContent : t.id).trim().slice(0, 60), wide: t.offsetWidth,
                    box: box ? box.clientWidth : null, scrolls: box ? box.scrollWidth > box.clientWidth : false};
        })""")
        assert boxes, f"no tables on {path}"
        for box in boxes:
            if box["wide"] > 360:
                assert box["box"] is not None and box["box"] <= 360 and box["scrolls"], box
        if path == "/studies/":  # on a phone the studies table is a list of cards: nothing to scroll, nothing hidden
            assert page.evaluate("document.getElementById('studies-table').offsetWidth") <= 360
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()


@pytest.fixture(scope="module")
def no_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.xdist_group("light")  # shares the light pass over every page
def test_every_number_is_there_without_javascript(no_script, pages, light):
    assert set(no_script) == set(light) == set(pages)
    missing = []
    for path in pages:
        without = Counter(NUMBER.findall(no_script[path]["text"]))
        with_js = Counter(NUMBER.findall(light[path].numbers_text))
        if without != with_js:
            missing.append(f"{path}: only with JavaScript {dict(with_js - without)}, "
                           f"only without {dict(without - with_js)}")
    expect_none(missing, "pages whose numbers change without JavaScript")


def test_studies_table_and_headline_numbers_without_javascript(no_js, site_url):
    no_js.goto(site_url + "/studies/")
    rows = no_js.eval_on_selector_all("#studies-table tbody tr", "rows => rows.map(r => r.id)")
    assert sorted(rows) == sorted(p.stem for p in (ROOT / "studies").glob("*.yml"))
    assert no_js.is_visible("#studies-table")
    assert not no_js.is_visible("#study-filters"), "filters that cannot work without JavaScript must stay hidden"
    no_js.goto(site_url + "/")
    figures = no_js.eval_on_selector_all(".finding__figure", "fs => fs.map(f => f.innerText)")
    assert figures and all(NUMBER.search(f) for f in figures), figures
    assert no_js.is_visible(".finding__figure")


def test_a_wrong_address_gets_the_404_page_with_its_styles(page, site_url):
    missing = site_url + "/studies/no-such-study/"
    page.recorder.allowed_status[missing] = 404
    response = page.goto(missing)
    assert response.status == 404
    assert page.locator("article h1").first.inner_text().strip().startswith("404")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    expect_none(page.recorder.problems(), "problems on the 404 page at a nested address")
    page.click(".md-header__button.md-logo")
    assert page.url == site_url + "/"
