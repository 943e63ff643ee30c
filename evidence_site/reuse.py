"""The reuse kit of every figure: an SVG and a PNG image that carry the title, the source and the
licence inside them, the figure's data as CSV, and a minimal page to embed (issue 14 item 3).

The images are drawn from the same chart data and SVG templates as the pages (charts.py,
templates/charts/), put on a white canvas with a key and a source line, and coloured with the
light palette of docs/assets/site.css (an image that leaves the site has no page CSS, and the
renderer reads no custom properties, so the colours are written in). The PNG is the SVG
rasterised by resvg (the resvg-py wheel: no system library) with the bundled DejaVu fonts, once
per content: the plugin keeps the bytes by the SVG's hash, so `serve` and repeated builds redraw
only what changed. Past the per-study-figure threshold the per-study figures do not exist, and
only those that do are exported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import PACKAGE_DIR
from .cache import write_entry
from .charts import (INFERRED_CSV, INFERRED_MARK, SMALL, Chart, Charts, EffectCell, LegendItem, StudyRow, text_width,
                     wrap)

FONT_DIR = PACKAGE_DIR / "fonts"
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"
ZOOM = 2  # PNG pixels per SVG unit: sharp enough for print and slides
MARGIN, MIN_WIDTH = 16, 520


@dataclass(frozen=True)
class Figure:
    key: str  # its field in charts.Charts
    slug: str  # its files: /figures/<slug>.svg, .png, .csv and the page /figures/<slug>/
    home: str  # source path of the page that shows it (its anchor is the chart's id)
    template: str  # the SVG template in templates/charts/


FIGURES: tuple[Figure, ...] = (
    Figure("effect_direction", "effect-direction", "findings.md", "charts/effect_direction.svg.j2"),
    Figure("gap_map", "gap-map", "findings.md", "charts/gap_map.svg.j2"),
    Figure("prisma", "prisma-flow", "methods.md", "charts/prisma.svg.j2"),
    Figure("quality_reported", "quality-reported", "limitations.md", "charts/quality_reported.svg.j2"),
    Figure("quality_grid", "quality-by-study", "limitations.md", "charts/quality_grid.svg.j2"),
    Figure("completeness", "completeness", "studies/index.md", "charts/completeness.svg.j2"),
)


def exported(charts: Charts) -> list[tuple[Figure, Chart]]:
    """The figures this build draws: not a per-study figure past the threshold (None there), nor one
    with nothing to draw (Chart.drawn: no study file, or for the quality grid none that is rated)."""
    return [(f, chart) for f in FIGURES if (chart := getattr(charts, f.key)) and chart.drawn]


# --- terms and citation prompt ------------------------------------------------------------------

def terms(review: dict) -> dict | None:
    """This site's content licence (review.yml site.license.content) and its holder, or None."""
    lic = (review.get("site") or {}).get("license")
    if not lic:
        return None
    return {**lic["content"], "holder": lic["holder"]}


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."


def source_line(review: dict, vancouver: str, site_url: str) -> str:
    where = f", {site_url}" if site_url else ""
    return f"Source: {sentence(vancouver)} Figure from the website “{review['site']['title']}”{where}."


def licence_line(review: dict, whose: str) -> str:
    """The licence, then whose the figure's numbers are (credit())."""
    lic = terms(review)
    if not lic:
        return f"No licence has been stated for this figure; ask the site's maintainers before reusing it. {whose}"
    return f"Licence: {lic['short']} ({lic['url']}), {lic['holder']}. Credit the review above and this site. {whose}"


def credit(figure: Figure, chart: Chart) -> str:
    """Whose the figure's numbers are, in one or two sentences that can travel with it: the review's
    own results, or counts of this site's study files (and what this site worked out itself)."""
    marked = f", except those marked {INFERRED_MARK}, which this site worked out from the review's text"
    if figure.key == "effect_direction":
        sizes = (f" Numbers of participants marked {INFERRED_MARK} were worked out by this site from the studies' "
                 "own figures." if chart.sizes_worked_out else "")
        return (f"The classifications are the review's{marked if chart.classes_worked_out else ''}; the rows are this "
                f"site's study files.{sizes}")
    if figure.key == "gap_map":
        inferred = any(c.improved_inferred for r in chart.rows for c in r.cells)
        return (f"The classifications are the review's{marked if inferred else ''}; the counts are of this site's "
                "study files.")
    if figure.key == "prisma":
        return "The counts are the review's."
    if figure.key == "quality_reported":
        worked_out = [r for r in chart.rows if r.rating is None]
        return "The ratings and their counts are the review's" + (
            f", except the count of studies whose rating is {worked_out[0].label.lower()}, which this site worked "
            "out by subtracting the review's counts from its total." if worked_out else ".")
    if figure.key == "quality_grid":
        return "The ratings are the review's; the rows are this site's study files that carry a rating."
    if figure.key == "completeness":
        return ("The totals by type of intervention are the review's; the transcribed counts are of this site's "
                "study files, and the missing ones are this site's subtraction.")
    raise ValueError(f"no credit line for figure {figure.key!r}")  # a new figure must say whose its numbers are


@dataclass(frozen=True, kw_only=True)
class Kit:
    """What a page shows under a figure, and its page to embed shows: downloads, citation, embed code."""

    slug: str  # the figure's files: /figures/<slug>.svg, .png, .csv
    embed: str  # the page to embed, from the site root
    anchor: str  # the figure's id on the page that shows it
    cite: str  # the review's citation, as a sentence
    licence: dict | None  # the site's terms (terms()), None where none is stated
    whose: str  # whose the figure's numbers are (credit())
    site_title: str
    snippet: str  # the <iframe> code to paste


def kit(review: dict, vancouver: str, figure: Figure, chart: Chart, site_url: str) -> Kit:
    embed_url = f"{site_url}figures/{figure.slug}/" if site_url else f"[this site's address]/figures/{figure.slug}/"
    height = round(chart.height + 460 + 22 * len(chart.legend) / 3)  # with caption, key and footer
    snippet = (f'<iframe src="{embed_url}" title="{_attr(chart.title)}" width="100%" '
               f'height="{height}" loading="lazy" style="border:0"></iframe>')
    return Kit(slug=figure.slug, embed=f"figures/{figure.slug}/", anchor=chart.id, cite=sentence(vancouver),
               licence=terms(review), whose=credit(figure, chart), site_title=review["site"]["title"], snippet=snippet)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# --- the standalone SVG ---------------------------------------------------------------------------

# Material's light palette (scheme "default"), flattened on white: an image has no theme CSS.
_MATERIAL_LIGHT = {"md-default-fg-color": "#212121", "md-default-fg-color--light": "#757575",
                   "md-default-fg-color--lighter": "#adadad", "md-default-fg-color--lightest": "#ededed",
                   "md-default-bg-color": "#ffffff"}
_ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}")
_PROPERTY = re.compile(r"--([\w-]+)\s*:\s*([^;]+);")
_VAR = re.compile(r"var\(--([\w-]+)\)")

# The page rules of site.css for the charts, as an image needs them: plain selectors, no custom
# properties (each var() is replaced by its light-palette value below).
_IMAGE_CSS = """
text { fill: var(--md-default-fg-color); }
.es-note, .es-gap-text { fill: var(--md-default-fg-color--light); }
.es-nr, .es-unrated-text, .es-unread { font-style: italic; fill: var(--md-default-fg-color--light); }
.es-column, .es-track { fill: var(--md-default-fg-color--lightest); opacity: 0.6; }
.es-rule { stroke: var(--md-default-fg-color--light); stroke-width: 1; }
.es-grid { stroke: var(--md-default-fg-color--lightest); stroke-width: 1; }
.es-shade, .es-fill { fill-opacity: var(--es-chart-tint); }
.es-fill.es-unrated, .es-bar.es-unrated { fill: var(--md-default-fg-color--lighter); fill-opacity: 1; }
.es-pip-off { fill: none; stroke: var(--md-default-fg-color--light); stroke-width: 1; }
.es-bar, .es-bar.es-done, .es-dl-bar { fill: var(--es-chart-bar); }
.es-gap, .es-outline { fill: none; stroke: var(--md-default-fg-color--light); stroke-dasharray: 4 3; }
.es-hatch-line { stroke: var(--md-default-fg-color--lighter); stroke-width: 2; }
.es-onhatch { paint-order: stroke; stroke: var(--md-default-bg-color); stroke-width: 4px; stroke-linejoin: round; font-style: italic; }
.es-box rect { fill: var(--md-default-bg-color); stroke: var(--md-default-fg-color--light); stroke-width: 1; }
.es-box-side rect { fill: var(--md-default-fg-color--lightest); }
.es-arrow { stroke: var(--md-default-fg-color--light); stroke-width: 1.5; }
.es-arrowhead { fill: var(--md-default-fg-color--light); }
"""


def palette(site_css: str) -> dict[str, str]:
    """The light palette: Material's colours and the first value of each custom property site.css
    sets on :root (the dark palette sets its own under [data-md-color-scheme])."""
    values = dict(_MATERIAL_LIGHT)
    for block in _ROOT_BLOCK.findall(site_css):
        for name, value in _PROPERTY.findall(block):
            values.setdefault(name, value.strip())
    return values


def image_css(review: dict, colours: dict[str, str]) -> str:
    rules = [_IMAGE_CSS.strip()]
    for effect in review["codebook"]["effects"] + [{"key": "unknown"}]:
        colour = (colours.get(f"es-chart-{effect['key']}") or colours.get("es-chart-no-effect")
                  or colours["md-default-fg-color"])
        rules.append(f"text.es-fx-{effect['key']}, .es-fx-{effect['key']} {{ fill: {colour}; }}")
    for place in ("best", "mid", "worst"):
        colour = colours.get(f"es-chart-q-{place}", colours["md-default-fg-color--light"])  # no site.css: grey
        rules.append(f".es-shade.es-q-{place}, .es-fill.es-q-{place}, .es-bar.es-q-{place}, "
                     f".es-q-{place} .es-pip-on {{ fill: {colour}; }}")
    fallback = {"es-chart-tint": "0.2", "es-chart-bar": colours["md-default-fg-color--light"]}
    return _VAR.sub(lambda m: colours.get(m.group(1)) or fallback.get(m.group(1), "currentColor"), "\n".join(rules))


def _legend_layout(items: tuple[LegendItem, ...], width: float,
                   top: float) -> tuple[list[tuple[LegendItem, float, float]], float]:
    """Key entries in rows no wider than width, each (item, x, y): a mark 18 wide, then its label."""
    placed, x, y, line = [], 0.0, top, 20
    for item in items:
        w = 22 + text_width(item.label, SMALL) + 14
        if x and x + w > width:
            x, y = 0.0, y + line
        placed.append((item, x, y))
        x += w
    return placed, (y + line - top) if items else 0


def download_svg(env, review: dict, figure: Figure, chart: Chart, vancouver: str, site_url: str,
                 colours: dict[str, str]) -> str:
    """The figure as a standalone SVG file: title, figure, key, source and licence, all inside."""
    inner_w = max(chart.width, MIN_WIDTH)
    width = math.ceil(inner_w + 2 * MARGIN)  # whole units, so the PNG is exactly ZOOM times as large
    title_lines = wrap(chart.title, inner_w, 16)
    y = MARGIN + 16
    title = [{"text": t, "y": y + i * 21} for i, t in enumerate(title_lines)]
    y += 21 * (len(title_lines) - 1) + 14
    figure_y = y
    y += chart.height + 14
    legend, legend_h = _legend_layout(chart.legend, inner_w, y)
    y += legend_h + (8 if legend_h else 0)
    notes = []
    for text in (source_line(review, vancouver, site_url), licence_line(review, credit(figure, chart))):
        for line in wrap(text, inner_w, SMALL):
            y += 15
            notes.append({"text": line, "y": y})
    height = math.ceil(y + MARGIN)
    inner = env.get_template(figure.template).render(chart=chart, links=None)
    return env.get_template("charts/download.svg.j2").render(
        chart=chart, width=width, height=height, margin=MARGIN, title=title, figure_y=figure_y,
        legend=legend, notes=notes, figure_svg=Markup(inner), css=Markup(image_css(review, colours)),
        font_family=FONT_FAMILY)


def png(svg: str, cache: dict[str, bytes], folder: Path | None = None) -> bytes:
    """The SVG rasterised at ZOOM with the bundled fonts only; drawn once per content: kept in cache
    for this process and, given a folder (the plugin passes cache.figure_folder), on disk for the
    next build. Drawing is most of a small build's own time (about 0.1-0.2 s a figure)."""
    key = hashlib.sha256(svg.encode("utf-8")).hexdigest()
    if key not in cache:
        stored = folder / f"{key}.png" if folder else None
        if stored and stored.is_file():
            cache[key] = stored.read_bytes()
        else:
            import resvg_py

            cache[key] = bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=ZOOM, skip_system_fonts=True,
                                                     font_dirs=[str(FONT_DIR)], font_family="DejaVu Sans",
                                                     sans_serif_family="DejaVu Sans"))
            if stored:
                write_entry(stored, cache[key])
    return cache[key]


# --- the data as CSV: the same rows and numbers as the figure's table -----------------------------

def _not_measured(row: StudyRow, cell: EffectCell) -> str:
    if cell.marks:
        return "; ".join(m.effect.label + (f" ({INFERRED_CSV})" if m.inferred else "") for m in cell.marks)
    return "not yet transcribed" if row.outcomes_unread else "not measured"


def table_rows(figure: Figure, chart: Chart) -> tuple[list[str], list[list]]:
    """(header, rows) of a figure's data, column for column as its table on the page."""
    if figure.key == "effect_direction":
        header = ["intervention_type", "study_id", "study", "participants", "quality"] + [c.label for c in chart.columns]
        rows = [[g.label, r.id, r.name, str(r.n) + (f" ({INFERRED_CSV})" if r.n_inferred else ""),
                 r.quality.label if r.quality else "not yet transcribed"]
                + [_not_measured(r, cell) for cell in r.cells] for g in chart.groups for r in g.rows]
    elif figure.key == "gap_map":
        fav = chart.favourable.label.lower()
        header = ["intervention_type", "outcome", "study_files_measured", f"of_those_{fav.replace(' ', '_')}",
                  f"of_those_{fav.replace(' ', '_')}_{INFERRED_CSV.replace(' ', '_')}", "quality", "studies"]
        rows = []
        for r in chart.rows:
            for c in r.cells:
                rows.append([r.label, c.label, c.studies, c.improved, c.improved_inferred,
                             "; ".join(f"{label}: {n}" for label, n in c.quality_mix) or "none",
                             "; ".join(c.names)])
    elif figure.key == "prisma":
        header = ["stage", "records"]
        rows = [[b.label, b.value] for b in chart.boxes]  # a Missing says why there is no count
    elif figure.key == "quality_reported":
        header = ["global_rating", "studies", "of", "source"]
        rows = [[r.label, r.count.n if r.count else str(r.count), chart.total, r.note or ("reported by the review" if r.n is not None else "")]
                for r in chart.rows]
    elif figure.key == "quality_grid":
        header = ["study_id", "study"] + [c.label for c in chart.columns]
        rows = [[r.id, r.name] + [c.rating.label if c.rating else "not yet transcribed" for c in r.cells]
                for r in chart.rows]
    elif figure.key == "completeness":
        header = ["intervention_type", "review", "transcribed", "missing"]
        rows = [[r.label, r.reported if r.reported is not None else "not yet transcribed", r.transcribed,
                 r.missing if r.missing is not None else "unknown"] for r in chart.rows]
    else:  # a new figure must say how its table becomes rows
        raise ValueError(f"no CSV layout for figure {figure.key!r}")
    return header, rows


def data_csv(figure: Figure, chart: Chart) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header, rows = table_rows(figure, chart)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


# --- everything for one build ---------------------------------------------------------------------

def figure_files(env, review: dict, charts: Charts, vancouver: str, site_url: str, site_css: str,
                 png_cache: dict[str, bytes], png_folder: Path | None = None) -> dict[str, object]:
    """{path under the site: content} of every exported figure's SVG, PNG and CSV."""
    colours = palette(site_css)
    files: dict[str, object] = {}
    for figure, chart in exported(charts):
        svg = download_svg(env, review, figure, chart, vancouver, site_url, colours)
        files[f"figures/{figure.slug}.svg"] = svg
        files[f"figures/{figure.slug}.png"] = png(svg, png_cache, png_folder)
        files[f"figures/{figure.slug}.csv"] = data_csv(figure, chart)
    return files


def kits(review: dict, charts: Charts, vancouver: str, site_url: str) -> dict[str, Kit]:
    """Each exported figure's reuse kit by its field in Charts (the pages print it under the figure)."""
    return {figure.key: kit(review, vancouver, figure, chart, site_url) for figure, chart in exported(charts)}
