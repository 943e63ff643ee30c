"""The figures (evidence_site/charts.py, templates/charts/): geometry, golden SVGs from the made-up
review, well-formed XML even with hostile labels, each figure's table holding the chart's numbers,
Wilson intervals, figures that follow the data when a study file is added, and the real build."""

from __future__ import annotations

import copy
import re
import shutil
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from evidence_site.aggregate import Count, summarise, wilson
from evidence_site.build import prepare
from evidence_site.charts import Band, Chart, Charts, build_charts, scale, svg_number, text_width, wrap
from evidence_site.aggregate import study_name as study_label
from evidence_site.render import environment, render_pages

ENV = environment()  # one Jinja environment for the module, as the plugin keeps one a build

ROOT = Path(__file__).resolve().parent.parent
MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"
NS = "{http://www.w3.org/2000/svg}"
TEMPLATES = {"effect_direction": "effect_direction", "gap_map": "gap_map", "prisma": "prisma",
             "quality_reported": "quality_reported", "quality_grid": "quality_grid", "completeness": "completeness"}


# --- helpers --------------------------------------------------------------------------------------

def svg_of(name: str, chart: Chart) -> str:
    return ENV.get_template(f"charts/{TEMPLATES[name]}.svg.j2").render(chart=chart)


def figures(macro: str, *args) -> str:
    template = ENV.from_string('{% import "charts/_figures.md.j2" as f %}{{ f.' + macro + "(*args) }}")
    return template.render(args=args)


def table_of(name: str, chart: Chart) -> str:
    return figures(f"{name}_table", chart)


def xml(text: str) -> ET.Element:
    return ET.fromstring(text)


def words(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def texts(element: ET.Element, css: str) -> list[str]:
    return [words(t) for t in element.iter(f"{NS}text") if css in classes(t)]


def madeup_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the made-up review in which alpha-2020.yml has `new` in place of `old`."""
    root = tmp_path / "madeup"
    shutil.copytree(MADEUP, root)
    path = root / "studies" / "alpha-2020.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def with_components(tmp_path: Path) -> Path:
    """The made-up review, with component ratings in one study file (the fixture has none)."""
    components = ("  components:\n    selection-bias: weak\n    study-design: strong\n    confounders: moderate\n"
                  "    blinding: null\n    data-collection: strong\n    withdrawals: moderate\n")
    return madeup_with(tmp_path, "  components: null\n", components)


@pytest.fixture(scope="module")
def madeup():
    site = prepare(MADEUP)
    return site, build_charts(site.review, site.studies, site.summary)


@pytest.fixture
def rated(tmp_path):
    site = prepare(with_components(tmp_path))
    return site, build_charts(site.review, site.studies, site.summary)


def every_chart(charts: Charts):
    for name in TEMPLATES:
        yield name, getattr(charts, name)
    for key, chart in charts.effect_direction_by_type.items():
        yield "effect_direction", chart


# --- the geometry helper ---------------------------------------------------------------------------

def test_band_positions():
    band = Band(10, 20, 4)
    assert [band.at(i) for i in range(3)] == [10, 34, 58]
    assert band.mid(1) == 44
    assert band.end(3) == 78 and band.end(0) == 10
    assert Band(0, 5).end(2) == 10


def test_scale_is_linear_clamped_and_safe_at_zero():
    assert scale(3, 12, 120) == 30
    assert scale(12, 12, 120) == 120
    assert scale(20, 12, 120) == 120 and scale(-1, 12, 120) == 0
    assert scale(5, 0, 120) == 0


def test_text_width_and_wrap():
    assert text_width("abcd", 10) == pytest.approx(24)
    assert wrap("Records screened by title and abstract", 120) == ["Records screened", "by title and", "abstract"]
    assert wrap("Supercalifragilistic word", 30) == ["Supercalifragilistic", "word"]
    assert wrap("", 50) == [""]


def test_svg_number_prints_numbers_only():
    assert svg_number(12) == "12" and svg_number(12.0) == "12" and svg_number(0.30000000000000004) == "0.3"
    assert svg_number(-45.26) == "-45.3"
    for bad in ("1; x", None, True, [1]):
        with pytest.raises(TypeError):
            svg_number(bad)


# --- Wilson intervals (the count macro and Count) -------------------------------------------------

@pytest.mark.parametrize("n, of, text", [
    (5, 6, "5/6 (83%; 95% CI 44–97%, calculated by this site)"), (1, 5, "1/5 (20%; 95% CI 4–62%, calculated by this site)"),
    (3, 12, "3/12 (25%; 95% CI 9–53%, calculated by this site)"),
])
def test_wilson_known_values_on_the_page(n, of, text):
    html = ENV.from_string('{% import "_macros.md.j2" as m %}{{ m.count(c) }}').render(c=Count(n, of))
    assert " ".join(re.sub(r"<[^>]+>", "", html).split()).startswith(text)
    assert ("fewer than 5 studies" in html) == (of < 5)


def test_zero_of_zero_does_not_crash_and_says_so():
    assert wilson(0, 0) == (None, None) and Count(0, 0).interval is None
    html = ENV.from_string('{% import "_macros.md.j2" as m %}{{ m.count(c) }}').render(c=Count(0, 0))
    assert "0/0" in html and "no studies in this group" in html and "%" not in html


def test_small_groups_are_said_plainly(madeup):
    _, charts = madeup
    table = table_of("gap_map", charts.gap_map)
    # counted in the study files here: a plain tally, so no interval, but the small group is still said
    # (the made-up review sets site.small_group_below to 3)
    assert "1/2</strong> (50%)</span> <span class=\"small-group\">fewer than 3 studies" in table


# --- golden SVGs and tables from the made-up review -----------------------------------------------

def test_charts_golden(madeup, rated, golden):
    _, charts = madeup
    outputs = {}
    for name in TEMPLATES:
        outputs[name] = getattr(charts, name)
    outputs["effect_direction-therapy-based"] = charts.effect_direction_by_type["therapy-based"]
    outputs["quality_grid-components"] = rated[1].quality_grid
    for label, chart in outputs.items():
        name = label.split("-")[0]
        golden(f"charts/{label.replace('_', '-')}.svg", svg_of(name, chart))
        golden(f"charts/{label.replace('_', '-')}-table.html", table_of(name, chart) + "\n")
    golden("charts/figure-effect-direction.html", figures("effect_direction", charts.effect_direction) + "\n")


def test_every_svg_is_xml_with_title_and_desc(madeup, rated):
    for name, chart in [*every_chart(madeup[1]), ("quality_grid", rated[1].quality_grid)]:
        root = xml(svg_of(name, chart))
        assert root.tag == f"{NS}svg" and root.get("role") == "img"
        title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
        assert title is not None and desc is not None and words(title) and words(desc)
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        for element in root.iter():
            assert "style" not in element.attrib, "colours come from CSS classes only"
            assert not (element.get("fill") or "url(").startswith(("#", "rgb")), element.attrib
            assert not (element.get("stroke") or "").startswith(("#", "rgb")), element.attrib


def test_every_figure_has_a_caption_and_its_table(madeup):
    _, charts = madeup
    for macro in ("effect_direction", "gap_map", "prisma", "quality_reported", "quality_grid", "completeness"):
        chart = getattr(charts, macro)
        html = figures(macro, chart)
        root = xml(f"<root>{html}</root>")  # the whole figure is well-formed markup too
        figure = root.find("figure")
        assert figure.get("id") == chart.id
        assert figure[0].tag == "figcaption" and words(figure[0]) == " ".join(chart.caption.split())
        assert root.find(".//table") is not None


# --- each table holds the same numbers as its chart ------------------------------------------------

def _rows(table: ET.Element, attribute: str) -> dict:
    return {tr.get(attribute): tr for tr in table.iter("tr") if tr.get(attribute)}


def test_effect_direction_table_matches_chart(madeup):
    for _, chart in every_chart(madeup[1]):
        if chart.kind != "effect-direction":
            continue
        svg, table = xml(svg_of("effect_direction", chart)), xml(table_of("effect_direction", chart))
        drawn, listed = {}, {}
        for g in svg.iter(f"{NS}g"):
            if g.get("data-study"):
                for t in g.iter(f"{NS}text"):
                    if "es-mark" in classes(t):
                        drawn.setdefault((g.get("data-study"), t.get("data-col")), []).append(t.text)
                drawn[(g.get("data-study"), "n")] = texts(g, "es-n")[0].removeprefix("n = ")
        for study, tr in _rows(table, "data-study").items():
            cells = tr.findall("td")
            listed[(study, "n")] = words(cells[0])
            for td in cells[2:]:
                marks = [s.text for s in td.iter("span") if s.get("aria-hidden") == "true" and s.text != "–"]
                if marks:
                    listed[(study, td.get("data-col"))] = marks
        assert drawn == listed and drawn


def test_gap_map_table_matches_chart(madeup):
    chart = madeup[1].gap_map
    svg, table = xml(svg_of("gap_map", chart)), xml(table_of("gap_map", chart))
    drawn, listed = {}, {}
    for row in svg.iter(f"{NS}g"):
        for cell in row.findall(f"{NS}g"):
            if cell.get("data-domain"):
                count = texts(cell, "es-count") or texts(cell, "es-gap-text")
                improved = texts(cell, "es-improved") or ["0"]
                drawn[(row.get("data-type"), cell.get("data-domain"))] = (
                    int(count[0]), int(improved[0].lstrip(chart.favourable.symbol)))
    for tr in table.iter("tr"):
        if tr.get("data-domain"):
            cells = tr.findall("td")
            studies = int(words(cells[1]).split()[0])
            strong = cells[2].find(".//strong")
            improved = int(strong.text.split("/")[0]) if strong is not None else 0
            if strong is not None:
                assert int(strong.text.split("/")[1]) == studies
            listed[(tr.get("data-type"), tr.get("data-domain"))] = (studies, improved)
    assert drawn == listed
    assert drawn[("therapy-based", "depression")] == (2, 1) and drawn[("limiting-use", "anxiety")] == (1, 1)
    assert drawn[("therapy-based", "anxiety")] == (0, 0)


def test_prisma_table_matches_chart(madeup):
    chart = madeup[1].prisma
    svg, table = xml(svg_of("prisma", chart)), xml(table_of("prisma", chart))
    drawn = {g.get("data-stage"): texts(g, "es-value")[0].removeprefix("n = ")
             for g in svg.iter(f"{NS}g") if g.get("data-stage")}
    listed = {stage: words(tr.find("td")) for stage, tr in _rows(table, "data-stage").items()}
    assert drawn == listed
    assert drawn["records_identified"] == "100" and drawn["included"] == "4"
    assert drawn["duplicates_removed"] == "not reported"


def test_a_count_this_site_works_out_says_so(madeup):
    """The review's counts give 3 weak of 4 and leave strong and moderate unread: the one left over was
    rated one of those two (the review rated every study), and its count is this site's subtraction,
    never a rating of its own or an unrated study."""
    import copy

    from evidence_site.aggregate import Missing, NOT_YET_TRANSCRIBED
    from evidence_site.charts import quality_reported

    site = madeup[0]
    review = copy.deepcopy(site.review)
    review["reported"]["quality"].update(strong=None, moderate=None)
    review["missing"] = {**review["missing"], "reported.quality.strong": NOT_YET_TRANSCRIBED,
                         "reported.quality.moderate": NOT_YET_TRANSCRIBED}
    chart = quality_reported(review, summarise(review, site.studies))
    rest = chart.rows[-1]
    assert rest.label == "Strong or moderate (which one is not yet transcribed)"
    assert rest.value == "1 of 4, calculated by this site" and rest.rating is None
    assert rest.note == "calculated by this site: the 4 studies minus the 3 the review rated weak"
    assert all(isinstance(r.count, Missing) for r in chart.rows[:2])
    assert "this site worked it out as 4 minus 3" in chart.caption
    table = words(xml(table_of("quality_reported", chart)))
    assert "1/4 (25%) (calculated by this site: the 4 studies minus the 3 the review rated weak)" in table
    assert "Not yet transcribed" not in table


def test_quality_tables_match_charts(madeup, rated):
    chart = madeup[1].quality_reported
    svg, table = xml(svg_of("quality_reported", chart)), xml(table_of("quality_reported", chart))
    drawn = {g.get("data-rating"): texts(g, "es-value")[0] for g in svg.iter(f"{NS}g") if g.get("data-rating")}
    listed = {}
    for key, tr in _rows(table, "data-rating").items():
        strong = tr.find(".//strong")
        listed[key] = strong.text.replace("/", " of ") if strong is not None else words(tr.find("td")).lower()
    assert drawn == listed == {"strong": "0 of 4", "moderate": "1 of 4", "weak": "3 of 4"}

    grid = rated[1].quality_grid
    svg, table = xml(svg_of("quality_grid", grid)), xml(table_of("quality_grid", grid))
    drawn, listed = {}, {}
    for row in svg.iter(f"{NS}g"):
        for cell in row.findall(f"{NS}g"):
            if cell.get("data-component"):
                label = texts(cell, "es-rating")[0]
                drawn[(row.get("data-study"), cell.get("data-component"))] = "not yet transcribed" if label == "?" else label
    for study, tr in _rows(table, "data-study").items():
        for td in tr.findall("td"):
            listed[(study, td.get("data-component"))] = words(td)
    assert drawn == listed
    assert drawn[("alpha-2020", "study-design")] == "Strong" and drawn[("alpha-2020", "blinding")] == "not yet transcribed"
    assert drawn[("alpha-2020", "global")] == "Weak" and drawn[("beta-2021", "selection-bias")] == "not yet transcribed"


def test_completeness_table_matches_chart(madeup):
    chart = madeup[1].completeness
    svg, table = xml(svg_of("completeness", chart)), xml(table_of("completeness", chart))
    drawn = {g.get("data-type"): texts(g, "es-value")[0] for g in svg.iter(f"{NS}g") if g.get("data-type")}
    listed = {}
    for key, tr in _rows(table, "data-type").items():
        reported, transcribed, missing = (words(td) for td in tr.findall("td"))
        assert int(reported) - int(transcribed) == int(missing)
        listed[key] = f"{transcribed} of {reported}"
    assert drawn == listed == {"therapy-based": "2 of 2", "limiting-use": "2 of 2", "abstinence": "0 of 0"}


# --- escaping: hostile text from the data stays text, and the SVG stays XML ------------------------

HOSTILE = 'A & B <script>alert("x")</script> ]]> </text><text x="0">{{ 7*7 }} \'q\' `b` <!-- c --> \x07end'
EXPECTED = HOSTILE.replace("\x07", "")


def test_hostile_labels_stay_text_in_every_svg(madeup):
    site, _ = madeup
    review, studies = copy.deepcopy(site.review), copy.deepcopy(site.studies)
    codebook = review["codebook"]
    for group in ("intervention_types", "outcomes", "quality_ratings", "quality_components", "effects"):
        for item in codebook[group]:
            item["label"] = f"{HOSTILE} {item['key']}"
    codebook["effects"][0]["symbol"] = "<&"
    studies[0]["citation"]["authors"] = ['Eve </text><script>x</script>&amp;']
    studies[0]["quality"]["components"] = {"selection-bias": "weak"}
    charts = build_charts(review, studies, summarise(review, studies))
    for name, chart in [*every_chart(charts)]:
        svg = svg_of(name, chart)
        root = xml(svg)  # raises if the markup is broken
        assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "b")], name
        shown = " ".join(words(t) for t in root.iter(f"{NS}text"))
        if name != "prisma":
            assert EXPECTED in shown, name
        assert "<script" not in svg and "\x07" not in svg
    ed = xml(svg_of("effect_direction", charts.effect_direction))
    assert "<&" in [t.text for t in ed.iter(f"{NS}text") if "es-mark" in classes(t)]
    assert "</text><script>x</script>&amp; (2020)" in [t.text for t in ed.iter(f"{NS}text")]
    for macro in ("effect_direction", "gap_map", "quality_grid"):
        html = figures(macro, getattr(charts, macro))
        root = xml(f"<root>{html}</root>")
        assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "b")], macro


# --- the figures follow the data -------------------------------------------------------------------

def _svg_in(page: str, chart_id: str) -> ET.Element:
    match = re.search(r'<svg [^>]*aria-labelledby="' + chart_id + r'-title.*?</svg>', page, re.S)
    assert match, chart_id
    return xml(match.group())


def _gap_cell(page: str, type_key: str, domain: str) -> str:
    svg = _svg_in(page, "gap-map")
    row = next(g for g in svg.iter(f"{NS}g") if g.get("data-type") == type_key)
    cell = next(g for g in row.iter(f"{NS}g") if g.get("data-domain") == domain)
    return " ".join(texts(cell, "es-count") + texts(cell, "es-improved") + texts(cell, "es-gap-text"))


def test_figures_recompute_when_a_study_file_is_added(tmp_path):
    root = tmp_path / "madeup"
    shutil.copytree(MADEUP, root)
    gamma = root / "studies" / "gamma-2022.yml"
    saved = gamma.read_text(encoding="utf-8")
    gamma.unlink()

    before = prepare(root)
    pages = render_pages(before.review, before.studies, before.summary)
    assert _gap_cell(pages["findings.md"], "limiting-use", "anxiety") == "0"  # a gap
    studies_svg = _svg_in(pages["studies/index.md"], "completeness-figure")
    assert "1 of 2" in [words(t) for t in studies_svg.iter(f"{NS}text")]
    ed_rows = [g.get("data-study") for g in _svg_in(pages["findings.md"], "ed-all").iter(f"{NS}g") if g.get("data-study")]
    assert "gamma-2022" not in ed_rows and len(ed_rows) == 3
    assert "3 of the 4 studies the review included" in pages["findings.md"]

    gamma.write_text(saved, encoding="utf-8")  # the study file is added
    after = prepare(root)
    pages = render_pages(after.review, after.studies, after.summary)
    assert _gap_cell(pages["findings.md"], "limiting-use", "anxiety") == "1 ▲1"
    studies_svg = _svg_in(pages["studies/index.md"], "completeness-figure")
    assert "2 of 2" in [words(t) for t in studies_svg.iter(f"{NS}text")]
    ed_rows = [g.get("data-study") for g in _svg_in(pages["findings.md"], "ed-all").iter(f"{NS}g") if g.get("data-study")]
    assert sorted(ed_rows) == ["alpha-2020", "beta-2021", "delta-2023", "gamma-2022"]
    assert "4 of the 4 studies the review included" in pages["findings.md"]


# --- classes this site worked out (a study file's `inferred`) are marked as the site's ----------------

def with_worked_out_class(tmp_path: Path, overall: bool = False) -> Path:
    """The made-up review, in which alpha-2020's class on depression (improved) is listed as worked out
    by this site (overall too, with overall=True)."""
    listed = "inferred:\n  - field: outcomes[0].effect\n    reason: Made up, worked out from the review's text.\n"
    if overall:
        listed += "  - field: overall_effect\n    reason: Made up, the review's symbol read as a class.\n"
    return madeup_with(tmp_path, "inferred: []\n", listed)


def test_an_overall_class_listed_as_worked_out_is_marked_like_any_other(tmp_path):
    site = prepare(with_worked_out_class(tmp_path, overall=True))
    chart = build_charts(site.review, site.studies, site.summary).effect_direction
    svg = xml(svg_of("effect_direction", chart))
    row = next(g for g in svg.iter(f"{NS}g") if g.get("data-study") == "alpha-2020")
    assert sorted(t.get("data-col") for t in row.iter(f"{NS}text") if "es-inferred" in classes(t)) == \
        sorted(["overall", "depression"])
    table_row = render_pages(site.review, site.studies, site.summary)["studies/index.md"].split(
        '<tr id="alpha-2020"', 1)[1].split("</tr>", 1)[0]
    overall_cell = re.search(r'<td data-label="Overall effect">(.*?)</td>', table_row).group(1)
    assert "(worked out by this site)" in overall_cell


def test_a_class_this_site_worked_out_is_marked_in_the_plot_its_table_csv_and_description(tmp_path):
    from evidence_site import reuse

    site = prepare(with_worked_out_class(tmp_path))
    charts = build_charts(site.review, site.studies, site.summary)
    chart = charts.effect_direction
    assert chart.inferred_marks == 1 and charts.outcome_classes_worked_out == 1
    svg = xml(svg_of("effect_direction", chart))
    row = next(g for g in svg.iter(f"{NS}g") if g.get("data-study") == "alpha-2020")
    assert [(t.get("data-col"), t.text) for t in row.iter(f"{NS}text") if "es-inferred" in classes(t)] == \
        [("depression", "†")]  # the overall class is not listed as worked out: not marked
    others = [t for g in svg.iter(f"{NS}g") if g.get("data-study") not in (None, "alpha-2020")
              for t in g.iter(f"{NS}text") if "es-inferred" in classes(t)]
    assert not others
    assert "1 class, marked †, was worked out by this site" in chart.desc
    assert "except where marked †" in chart.caption
    assert any(item.mark == "†" and "worked out by this site" in item.label for item in chart.legend)
    table = xml(table_of("effect_direction", chart))
    tr = next(tr for tr in table.iter("tr") if tr.get("data-study") == "alpha-2020")
    cells = {td.get("data-col"): td for td in tr.findall("td")}
    assert [s.text for s in cells["depression"].iter("sup")] == ["†"]
    assert "worked out by this site" in words(cells["depression"]) and not list(cells["overall"].iter("sup"))
    assert "† worked out by this site" in words(table.find(".//caption"))
    csv_rows = [line.split(",") for line in reuse.data_csv(reuse.FIGURES[0], chart).splitlines()]
    alpha = next(r for r in csv_rows if r[1] == "alpha-2020")
    depression = csv_rows[0].index("Depression")
    assert alpha[depression] == "Improved (worked out by this site)" and alpha[5] == "Improved"
    # the gap map counts it among the improved, and says so
    cell = next(c for r in charts.gap_map.rows for c in r.cells if r.key == "therapy-based" and c.key == "depression")
    assert (cell.studies, cell.improved, cell.improved_inferred) == (2, 1, 1)
    gap_svg = xml(svg_of("gap_map", charts.gap_map))
    assert [t.text for t in gap_svg.iter(f"{NS}text") if "es-inferred" in classes(t)] == ["†"]
    assert "1 of them worked out by this site" in words(xml(table_of("gap_map", charts.gap_map)))
    assert "In 1 cell, marked †" in charts.gap_map.desc
    gap_csv = [line.split(",") for line in reuse.data_csv(reuse.FIGURES[1], charts.gap_map).splitlines()]
    assert gap_csv[0][4] == "of_those_improved_worked_out_by_this_site"
    assert [r[4] for r in gap_csv[1:] if r[:2] == ["Therapy-based", "Depression"]] == ["1"]
    # whose the numbers are, on the figure's own page and in its image
    assert "except those marked †, which this site worked out" in reuse.credit(reuse.FIGURES[0], chart)
    assert "the counts are of this site's study files" in reuse.credit(reuse.FIGURES[1], charts.gap_map)
    pages = render_pages(site.review, site.studies, site.summary)
    findings = pages["findings.md"]
    assert "The exception is 1 class on single outcomes marked †" in findings
    assert "This site worked out that class for that study from the review's text" in findings


def test_without_worked_out_classes_nothing_is_marked(madeup):
    _, charts = madeup
    assert charts.outcome_classes_worked_out == 0 and charts.effect_direction.inferred_marks == 0
    assert "†" not in svg_of("effect_direction", charts.effect_direction) + svg_of("gap_map", charts.gap_map)
    assert "†" not in charts.effect_direction.caption + charts.effect_direction.desc + charts.gap_map.desc


def test_each_figure_says_whose_its_numbers_are(madeup):
    from evidence_site import reuse

    _, charts = madeup
    for figure in reuse.FIGURES:
        whose = reuse.credit(figure, getattr(charts, figure.key))
        assert "The findings are the review authors'" not in whose
        assert whose.startswith("The ") and "review's" in whose
    assert "this site's study files" in reuse.credit(reuse.FIGURES[1], charts.gap_map)
    assert "this site's study files" in reuse.credit(reuse.FIGURES[5], charts.completeness)
    assert reuse.credit(reuse.FIGURES[2], charts.prisma) == "The counts are the review's."


# --- the real data -----------------------------------------------------------------------------------

def test_real_data_figures():
    """Whatever the study files say, the figures count them, and the reported parts come from review.yml."""
    site = prepare(ROOT)
    charts = build_charts(site.review, site.studies, site.summary)
    n, included = len(site.studies), site.review["reported"]["included_studies"]
    assert sorted(r.id for g in charts.effect_direction.groups for r in g.rows) == sorted(s["id"] for s in site.studies)
    types_with_files = {s["intervention"]["type"] for s in site.studies}
    assert set(charts.effect_direction_by_type) <= types_with_files
    if n < included:
        assert f"only the {n} transcribed study files, not all {included} studies" in charts.gap_map.caption
        assert f"{n} of the {included} studies the review included" in charts.effect_direction.caption
    rated = [s for s in site.studies if (s["quality"] or {}).get("global")]
    assert len(charts.quality_grid.rows) == len(rated)
    assert len(charts.quality_grid.unrated) == n - len(rated)
    by_type = site.review["reported"]["by_intervention_type"]
    assert [r.value for r in charts.completeness.rows] == [
        f"{sum(s['intervention']['type'] == t['key'] for s in site.studies)} of {by_type[t['key']]['studies']}"
        for t in site.review["codebook"]["intervention_types"]]
    prisma = site.review["prisma"]
    boxes = {b.key: b.value for b in charts.prisma.boxes}
    assert sum(not isinstance(v, int) for v in boxes.values()) == sum(v is None for v in prisma.values())
    assert boxes["records_identified"] == prisma["records_identified"]


def test_study_label_matches_the_study_name_macro():
    macro = ENV.from_string('{% import "_macros.md.j2" as m %}{{ m.study_name(s) }}')
    for root in (ROOT, MADEUP):
        for study in prepare(root).studies:
            assert unescape(macro.render(s=study)) == study_label(study)


# --- the real build: figures on their pages, and every proportion with its interval ---------------

def _page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("url, ids, absent", [
    ("/findings/", ["ed-all", "gap-map"], ["ed-therapy-based", "ed-limiting-use", "ed-abstinence"]),
    ("/methods/", ["prisma-flow"], []),
    ("/limitations/", ["quality-reported", "quality-grid"], []),
    ("/studies/", ["completeness-figure", "completeness-table"], []),
])
def test_built_pages_carry_their_figures(built_site, url, ids, absent):
    html = _page(built_site, url)
    for chart_id in ids:
        assert f'id="{chart_id}"' in html, chart_id
    for chart_id in absent:
        assert f'id="{chart_id}"' not in html, chart_id
    svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="es-svg".*?</svg>', html, re.S)
    assert svgs or url == "/limitations/"
    for svg in svgs:
        root = xml(svg)  # Markdown passed the SVG through unchanged: still well-formed XML
        labelled = root.get("aria-labelledby").split()
        assert [root.find(f"{NS}title").get("id"), root.find(f"{NS}desc").get("id")] == labelled
    assert html.count("<figure class=\"es-chart") == html.count("<figcaption>") >= len(svgs) // 2


PROPORTION = re.compile(r"(?<![\w./-])(\d+)/(\d+)(?![\w/])")
WITH_INTERVAL = re.compile(r" \((\d+)%; 95% CI (\d+)–(\d+)%, calculated by this site\)")
PERCENT_ONLY = re.compile(r" \((\d+)%\)")


@pytest.mark.parametrize("url", ["/findings/", "/studies/", "/limitations/", "/methods/"])
def test_every_proportion_shows_its_wilson_interval(built_site, url):
    """An estimate n/N (a share of studies the review counted as improved) comes with its percentage and
    the 95% Wilson interval labelled as calculated by this site; a descriptive n/N (a plain fact about
    the included studies or a tally of the files here) has its percentage and no interval.

    (The summary and press pages belong to other templates; tallies of this site's own files, such as
    "10 of 23 transcribed", are exact counts, not estimates, and carry no percentage.)"""
    text = re.sub(r"<(script|style|pre)\b.*?</\1>", " ", _page(built_site, url), flags=re.S)  # pre: code, such as embed code
    text = " ".join(re.sub(r"<[^>]+>", "", text).replace("&#39;", "'").split())
    found = 0
    for match in PROPORTION.finditer(text):
        n, of = int(match.group(1)), int(match.group(2))
        interval = WITH_INTERVAL.match(text, match.end())
        if not interval:
            assert PERCENT_ONLY.match(text, match.end()), f"{url}: {text[match.start() - 40:match.end() + 40]!r}"
            continue
        low, high = Count(n, of).interval
        assert (int(interval.group(1)), int(interval.group(2)), int(interval.group(3))) == (Count(n, of).percent, low, high)
        found += 1
    for match in re.finditer(r"\d+%", text):
        context = text[max(0, match.start() - 16):match.end() + 24]
        assert re.search(r"\d+/\d+ \(\d+%|CI \d+–\d+%|95% CI|95% confidence|95% interval", context), f"{url}: {context!r}"
    assert found or url in ("/methods/", "/studies/", "/limitations/")  # limitations holds only plain counts
