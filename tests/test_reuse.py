"""The reuse kit of every figure (issue 14 item 3), on the real build and the made-up review:
SVG, PNG and CSV downloads, the pages to embed with their code, the citation prompt, and the gap
map's cells linked to pages that list exactly their studies."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from evidence_site import reuse
from evidence_site.build import prepare
from evidence_site.charts import build_charts
from evidence_site.render import environment

ROOT = Path(__file__).resolve().parent.parent
MADEUP = Path(__file__).resolve().parent / "fixtures" / "madeup-review"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def real():
    site = prepare(ROOT)
    return site, build_charts(site.review, site.studies, site.summary)


def exported(real):
    site, charts = real
    return reuse.exported(charts)


class Table(HTMLParser):
    """The rows of the table with a given id: (attributes of the <tr>, [text of each cell])."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = 1
        elif self.inside and tag == "tr":
            self.rows.append((attrs, []))
        elif self.inside and tag in ("td", "th") and self.rows:
            self.cell = []

    def handle_endtag(self, tag):
        if self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.inside:
            self.inside = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[tuple[dict, list[str]]]:
    parser = Table(table_id)
    parser.feed(html)
    assert parser.rows, f"no table #{table_id}"
    return parser.rows


def ints(text: str) -> list[int]:
    """The whole numbers in text, a page's 1,095 read as the CSV's 1095."""
    return [int(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+", text)]


def home_html(site: Path, figure) -> str:
    path = figure.home.removesuffix(".md").removesuffix("index").rstrip("/")
    return (site / path / "index.html").read_text(encoding="utf-8")


def read_csv(site: Path, slug: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((site / "figures" / f"{slug}.csv").read_text(encoding="utf-8"))))


# --- downloads ------------------------------------------------------------------------------------

def test_every_figure_the_pages_show_has_its_downloads_and_page(built_site, real):
    figures = exported(real)
    assert {f.key for f, _ in figures} >= {"gap_map", "prisma", "quality_reported", "completeness"}
    for figure, chart in figures:
        for name in (f"{figure.slug}.svg", f"{figure.slug}.png", f"{figure.slug}.csv", f"{figure.slug}/index.html"):
            assert (built_site / "figures" / name).is_file(), name
        assert f'id="{chart.id}"' in home_html(built_site, figure)  # the page the kit links back to shows it
    drawn = {p.name for p in (built_site / "figures").glob("*.svg")}
    assert drawn == {f"{f.slug}.svg" for f, _ in figures}


def test_svg_downloads_parse_and_carry_title_source_and_licence(built_site, real):
    site, _ = real
    lic = site.review["site"]["license"]["content"]
    for figure, chart in exported(real):
        root = ET.parse(built_site / "figures" / f"{figure.slug}.svg").getroot()
        assert root.tag == f"{SVG_NS}svg"
        text = " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
        text = " ".join(text.split())
        assert chart.title in text
        assert "Source: " in text and site.review["citation"]["doi"] in text
        assert site.review["site"]["title"] in text
        assert f"Licence: {lic['short']} ({lic['url']})" in text
        assert root.find(f"{SVG_NS}style") is not None and "var(" not in root.find(f"{SVG_NS}style").text
        assert not root.findall(f".//{SVG_NS}a"), "a download carries no links relative to the site"


def test_png_downloads_decode_at_twice_the_svg_size_and_show_text(built_site, real):
    for figure, _ in exported(real):
        root = ET.parse(built_site / "figures" / f"{figure.slug}.svg").getroot()
        width, height = int(root.get("width")), int(root.get("height"))
        with Image.open(built_site / "figures" / f"{figure.slug}.png") as image:
            image.load()
            assert image.format == "PNG"
            assert image.size == (width * reuse.ZOOM, height * reuse.ZOOM)
            title_band = image.convert("L").crop((0, 0, image.width, 44 * reuse.ZOOM))
            assert title_band.getextrema()[0] < 80, f"{figure.slug}: no dark title text drawn"


def test_text_is_drawn_with_the_bundled_fonts_only():
    """resvg skips system fonts; the bundled DejaVu Sans draws the text, so text changes pixels."""
    def draw(body: str) -> bytes:
        return reuse.png(f'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" '
                         f'height="20" fill="#fff"/>{body}</svg>', {})
    blank, text = draw(""), draw('<text x="2" y="15" font-family="DejaVu Sans" font-size="14">Aa</text>')
    with Image.open(io.BytesIO(blank)) as a, Image.open(io.BytesIO(text)) as b:
        assert a.convert("L").getextrema() == (255, 255)
        assert b.convert("L").getextrema()[0] < 100


def test_png_is_drawn_once_per_content():
    cache: dict[str, bytes] = {}
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    first = reuse.png(svg, cache)
    assert reuse.png(svg, cache) is first and len(cache) == 1
    reuse.png(svg.replace('width="10" height="10"/>', 'width="5" height="10"/>'), cache)
    assert len(cache) == 2



def test_png_is_kept_on_disk_for_the_next_build(tmp_path, monkeypatch):
    """Given a folder, a drawn PNG is stored under the hash of its SVG; a later build (a new process,
    an empty memory cache) reads it back instead of drawing it again."""
    import sys

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    drawn = reuse.png(svg, {}, tmp_path)
    stored = list(tmp_path.glob("*.png"))
    assert [p.read_bytes() for p in stored] == [drawn] and len(stored[0].stem) == 64
    monkeypatch.setitem(sys.modules, "resvg_py", None)  # drawing again would fail: importing it raises
    assert reuse.png(svg, {}, tmp_path) == drawn
    with pytest.raises(ImportError):
        reuse.png(svg.replace('width="10" height="10"/>', 'width="5" height="10"/>'), {}, tmp_path)

def test_past_the_per_study_threshold_only_the_figures_that_exist_are_exported(real):
    site, _ = real
    charts = build_charts(site.review, site.studies, site.summary, per_study=False)
    keys = {f.key for f, _ in reuse.exported(charts)}
    assert keys == {"gap_map", "prisma", "quality_reported", "completeness"}
    files = reuse.figure_files(environment(), site.review, charts, "A citation.", "", "", {})
    assert sorted(files) == sorted(f"figures/{f.slug}.{ext}" for f, _ in reuse.exported(charts)
                                   for ext in ("svg", "png", "csv"))


# --- the data as CSV equals the figure's table ----------------------------------------------------

def check_csv_against_table(figure, chart, html: str, rows: list[list[str]]) -> None:
    header, body = rows[0], rows[1:]
    shown = table(html, f"{chart.id}-table" if figure.key != "completeness" else "completeness-table")
    if figure.key == "effect_direction":
        data = [cells for attrs, cells in shown if "data-study" in attrs]
        assert len(data) == len(body)
        for cells, row in zip(data, body):
            assert ints(" ".join(cells)) == ints(" ".join(row[2:])), row  # name's year, participants
            assert row[2] == cells[0]
    elif figure.key == "gap_map":
        by_pair = {(r[0], r[1]): r for r in body}
        assert len(by_pair) == len(chart.rows) * len(chart.columns)
        for attrs, cells in shown:
            if "data-domain" in attrs:
                row = by_pair[(cells[0], cells[1])]
                assert ints(cells[2])[0] == int(row[2])
                improved = ints(cells[3])[0] if int(row[2]) else 0
                assert improved == int(row[3])
            elif "data-type" in attrs:  # a type with no study file: every pair is 0
                assert all(r[2] == "0" for (t, _), r in by_pair.items() if t == cells[0])
    elif figure.key == "prisma":
        data = [cells for attrs, cells in shown if "data-stage" in attrs]
        assert [[c[0], c[1].replace(",", "") if c[1].replace(",", "").isdigit() else c[1]] for c in data] == body
    elif figure.key == "quality_reported":
        data = [cells for attrs, cells in shown if "data-rating" in attrs]
        assert [c[0] for c in data] == [r[0] for r in body]
        for cells, row in zip(data, body):
            if row[1].isdigit():
                assert ints(cells[1])[:2] == [int(row[1]), int(row[2])]
            else:
                assert row[1] in cells[1]
    elif figure.key == "quality_grid":
        data = [cells for attrs, cells in shown if "data-study" in attrs]
        assert [c for c in data] == [r[1:] for r in body]
    elif figure.key == "completeness":
        data = [cells for attrs, cells in shown if "data-type" in attrs]
        assert data == body
    assert header, figure.key


def test_csv_holds_the_numbers_of_each_figures_table_on_the_real_site(built_site, real):
    for figure, chart in exported(real):
        check_csv_against_table(figure, chart, home_html(built_site, figure), read_csv(built_site, figure.slug))


def test_csv_holds_the_numbers_of_each_figures_table_on_the_made_up_review():
    """The made-up review has a rated study, so the traffic-light grid is exported too."""
    site = prepare(MADEUP)
    charts = build_charts(site.review, site.studies, site.summary)
    env = environment()
    figures = reuse.exported(charts)
    assert {f.key for f, _ in figures} == {f.key for f in reuse.FIGURES}
    for figure, chart in figures:
        macro = {"completeness": "completeness_table"}.get(figure.key, f"{figure.key}_table")
        html = env.from_string('{% import "charts/_figures.md.j2" as fig %}{{ fig.' + macro + '(chart) }}').render(chart=chart)
        rows = list(csv.reader(io.StringIO(reuse.data_csv(figure, chart))))
        check_csv_against_table(figure, chart, html, rows)
    prisma = list(csv.reader(io.StringIO(reuse.data_csv(reuse.FIGURES[2], charts.prisma))))
    assert prisma[0] == ["stage", "records"] and all(r[1] for r in prisma[1:])


# --- pages to embed, their code and the citation prompt -------------------------------------------

def test_each_figure_has_a_minimal_page_to_embed(built_site, real):
    site, _ = real
    lic = site.review["site"]["license"]["content"]
    for figure, chart in exported(real):
        html = (built_site / "figures" / figure.slug / "index.html").read_text(encoding="utf-8")
        assert f'id="{chart.id}"' in html and "<svg" in html
        assert "md-sidebar" not in html and "md-tabs" not in html and "md-nav" not in html
        assert 'http-equiv="Content-Security-Policy"' in html
        assert "Source: " in html and site.review["citation"]["doi"] in html
        assert f'href="{lic["url"]}"' in html
        home = figure.home.removesuffix(".md").removesuffix("index").rstrip("/")
        assert f'href="../../{home}/#{chart.id}" target="_top"' in html
        assert 'href="../../accessibility/"' in html


def test_each_figures_page_shows_downloads_citation_prompt_and_embed_code(published_site, real):
    from tests.conftest import PUBLISHED_URL

    for figure, chart in exported(real):
        html = home_html(published_site, figure)
        block = html[html.index(f'id="{chart.id}-reuse"'):]
        block = block[:block.index("</details>")]
        for ext in ("svg", "png", "csv"):
            assert f'href="../figures/{figure.slug}.{ext}" download' in block
        assert "If you use this figure, cite: Plackett R" in block
        code = re.search(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", block, re.S).group(1)
        snippet = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), code)
        assert snippet.startswith(f'<iframe src="{PUBLISHED_URL}figures/{figure.slug}/" title="')
        assert 'title=""' not in snippet and snippet.endswith("></iframe>")


# --- the gap map's cells link to their studies ----------------------------------------------------

def test_gap_map_cells_link_to_pages_listing_exactly_their_studies(built_site, real):
    site, charts = real
    html = (built_site / "findings" / "index.html").read_text(encoding="utf-8")
    figure = html[html.index('id="gap-map"'):]
    figure = figure[:figure.index("</figure>")]
    links = re.findall(r'<a href="\.\./(studies/type/([a-z0-9-]+)/outcome/([a-z0-9-]+)/)" aria-label="([^"]+)"', figure)
    filled = [(r.key, c.key) for r in charts.gap_map.rows for c in r.cells if c.studies]
    assert sorted((t, o) for _, t, o, _ in links) == sorted(filled) and filled
    for path, type_key, outcome, label in links:
        expected = {s["id"] for s in site.studies if s["intervention"]["type"] == type_key
                    and any(x["domain"] == outcome for x in s["outcomes"] or [])}
        listing = (built_site / path / "index.html").read_text(encoding="utf-8")
        listed = set(re.findall(r'<tr id="([a-z0-9-]+)" data-type="', listing))
        assert listed == expected, path
        assert f"{len(expected)} study file" in label
        assert all(f'data-type="{type_key}"' in row for row in re.findall(r'<tr id="[^"]+"[^>]*>', listing))
