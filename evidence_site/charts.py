"""Chart data for the site's figures: frozen dataclasses with every position already worked out.

The SVG templates in templates/charts/ only draw the records these functions return (one frozen
dataclass for each kind of thing: a chart, its columns, rows, cells, marks and key), and all the
arithmetic goes through the small geometry helpers at the top of this module (`Band`, `scale`,
`text_width`, `wrap`). Categories (intervention types, outcome domains, effect classes, quality
ratings and components) come from the codebook in review.yml, in codebook order; nothing here
names a category. Quality ratings are ordinal: the codebook lists them best first, and a rating's
position gives its glyph (filled bars, like a signal-strength meter) and its colour class.

Every figure drawn from the study files says how many of the review's studies those files cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from markupsafe import Markup

from .aggregate import Category, Count, GroupRow, Missing, Summary, missing, study_missing, study_name
from .provenance import is_inferred

# Font sizes in SVG user units, and the average glyph width as a share of the font size (a
# little above the real average of the sans-serif fonts browsers fall back to, so that labels
# are never cut off).
FONT = 12
SMALL = 11
CHAR_WIDTH = 0.6
ROTATE = 45  # degrees; column headings are set at this angle so narrow columns keep full labels
_SIN45 = 0.7071


# --- geometry: the one place where positions are worked out ----------------------------------

@dataclass(frozen=True)
class Band:
    """Equal bands (rows or columns) laid side by side from `start`: each `size` long, `gap` apart."""

    start: float
    size: float
    gap: float = 0.0

    def at(self, i: int) -> float:
        """Where band i begins."""
        return self.start + i * (self.size + self.gap)

    def mid(self, i: int) -> float:
        """The middle of band i."""
        return self.at(i) + self.size / 2

    def end(self, count: int) -> float:
        """Where the last of `count` bands ends (the start, when there are none)."""
        return self.at(count) - self.gap if count else self.start


def scale(value: float, maximum: float, length: float) -> float:
    """value on a linear axis from 0 to maximum drawn `length` long, clamped; 0 when maximum is 0."""
    if not maximum or value <= 0:
        return 0.0
    return length * min(value, maximum) / maximum


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of how wide `text` is set at `size` (no font metrics at build time)."""
    return len(text) * size * CHAR_WIDTH


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """Words of `text` in lines no wider than `width` (a single word longer than that keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def svg_number(value) -> Markup:
    """A coordinate for an SVG attribute: a number rounded to 0.1, never anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    value = round(float(value), 1)
    return Markup(str(int(value)) if value == int(value) else str(value))


# --- the records the templates draw --------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Rating:
    """A quality rating as the charts draw it: `filled` of `of` bars (best first in the codebook) and
    the colour class of its place on the scale."""

    key: str
    label: str
    filled: int
    of: int
    css: str


@dataclass(frozen=True, kw_only=True)
class LegendItem:
    """One entry of a figure's key: a mark (by kind: "symbol" an effect's symbol, "quality" a rating's
    bars, "text" a few characters; "gap", "hatch", "bar", "outline" a box), then its label."""

    kind: str
    label: str
    effect: Category | None = None  # kind "symbol"
    rating: Rating | None = None  # kind "quality"
    mark: str | None = None  # kind "text"


@dataclass(frozen=True, kw_only=True)
class Column:
    """A column of a grid, under its heading set at 45 degrees from (label_x, label_y)."""

    key: str
    label: str
    x: float
    w: float
    label_x: float
    label_y: float
    stripe: bool = False  # the effect direction plot shades every other column


@dataclass(frozen=True, kw_only=True)
class Label:
    """A line of text set at height y: a PRISMA phase, or a note in place of an empty group."""

    text: str
    y: float


@dataclass(frozen=True, kw_only=True)
class Chart:
    """What every figure has: its kind (the CSS class es-chart--<kind>), whether it scrolls sideways
    on a narrow screen, the id its page anchors, title, description and caption, size and key."""

    kind: ClassVar[str]
    wide: ClassVar[bool]
    id: str
    title: str
    desc: str
    caption: str
    width: float
    height: float
    legend: tuple[LegendItem, ...]

    @property
    def drawn(self) -> bool:
        """Whether there is anything to draw (and so to export)."""
        return True


@dataclass(frozen=True, kw_only=True)
class Mark:
    """An effect class's symbol in a cell, centred at x; inferred: this site worked the class out (the
    study file lists it under `inferred`), so it is marked as the site's, not the review's."""

    effect: Category
    x: float
    inferred: bool = False


@dataclass(frozen=True, kw_only=True)
class EffectCell:
    """The marks of one study in one column."""

    key: str  # its column's: "overall" or an outcome domain
    x: float
    marks: tuple[Mark, ...]  # none: not measured (or, with outcomes_unread, not yet transcribed)


@dataclass(frozen=True, kw_only=True)
class StudyRow:
    """A study file's row of the effect direction plot."""

    id: str
    name: str
    y: float
    h: float
    n: int | Missing  # participants, or why the file has no number
    n_inferred: bool  # the number was worked out by this site (listed under the file's inferred)
    n_text: str
    quality: Rating | None
    cells: tuple[EffectCell, ...]
    outcomes_unread: bool


@dataclass(frozen=True, kw_only=True)
class Group:
    """An intervention type's rows, under its heading at y."""

    key: str
    label: str
    y: float
    note: str
    note_x: float
    empty: Label | None  # said in place of rows when the type has no study file
    rows: tuple[StudyRow, ...]


@dataclass(frozen=True, kw_only=True)
class EffectDirection(Chart):
    """The effect direction plot (effect_direction)."""

    kind: ClassVar[str] = "effect-direction"
    wide: ClassVar[bool] = True
    quality_x: float
    head_h: float
    columns: tuple[Column, ...]
    groups: tuple[Group, ...]
    classes_worked_out: int  # classes this site worked out, marked INFERRED_MARK
    sizes_worked_out: int  # numbers of participants this site worked out, marked too

    @property
    def inferred_marks(self) -> int:
        """Every mark the figure carries."""
        return self.classes_worked_out + self.sizes_worked_out

    @property
    def drawn(self) -> bool:
        return any(g.rows for g in self.groups)


@dataclass(frozen=True, kw_only=True)
class GapCell:
    """One pair of intervention type and outcome domain."""

    key: str  # the outcome domain
    label: str
    x: float
    w: float
    mid: float
    studies: int  # study files that measured it
    improved: int  # of those, in the favourable class
    improved_inferred: int  # of those, the ones whose favourable class this site worked out (INFERRED_MARK)
    listing: str | None  # the page that lists exactly these study files (render.study_listings)
    link_label: str  # starts with the cell's visible text ("3 ▲2"), as its accessible name must
    share: Count | None  # counted here: no interval
    weakest: Rating | None
    quality_mix: tuple[tuple[str, int], ...]  # (rating label, study files)
    names: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class GapRow:
    """An intervention type's row of the gap map."""

    key: str  # the intervention type
    label: str
    note: str
    y: float
    h: float
    files: int
    cells: tuple[GapCell, ...]


@dataclass(frozen=True, kw_only=True)
class GapMap(Chart):
    """The evidence gap map (gap_map)."""

    kind: ClassVar[str] = "gap-map"
    wide: ClassVar[bool] = True
    cells_w: float
    columns: tuple[Column, ...]
    rows: tuple[GapRow, ...]
    favourable: Category

    def improved_inferred(self, key: str) -> int:
        """Study files, of every type, whose favourable class on outcome key this site worked out."""
        return sum(c.improved_inferred for r in self.rows for c in r.cells if c.key == key)


@dataclass(frozen=True, kw_only=True)
class Box:
    """A stage of the flow diagram: its count (or why there is none) under its label's lines."""

    key: str
    label: str
    value: int | Missing
    lines: tuple[str, ...]
    x: float
    y: float
    w: float
    h: float
    text_y: float  # the first line's baseline
    line: float  # line height
    side: bool  # the side column: records removed at that step


@dataclass(frozen=True, kw_only=True)
class Arrow:
    """A line from (x1, y1) with its arrowhead at (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, kw_only=True)
class Prisma(Chart):
    """The flow diagram of the review's study selection, in the PRISMA layout (prisma)."""

    kind: ClassVar[str] = "prisma"
    wide: ClassVar[bool] = False
    boxes: tuple[Box, ...]  # the stages, in the order of PRISMA_PHASES
    arrows: tuple[Arrow, ...]
    phases: tuple[Label, ...]


@dataclass(frozen=True, kw_only=True)
class BarChart(Chart):
    """A figure of horizontal bars, each starting at bar_x and bar_w long at the most."""

    wide: ClassVar[bool] = False
    bar_x: float
    bar_w: float


@dataclass(frozen=True, kw_only=True)
class Bar:
    """A bar chart's row: its label, and the value written after the bar."""

    key: str
    label: str
    y: float
    value: str


@dataclass(frozen=True, kw_only=True)
class RatingBar(Bar):
    """A global rating and how many included studies the review rated so."""

    rating: Rating | None  # None: the studies left when the review's known counts are taken from the total
    n: int | None
    count: Count | Missing
    bar: float
    note: str | None = None  # set on a count this site worked out, not one the review gives


@dataclass(frozen=True, kw_only=True)
class QualityReported(BarChart):
    """The review's reported global ratings (quality_reported)."""

    kind: ClassVar[str] = "quality-reported"
    rows: tuple[RatingBar, ...]
    total: int


@dataclass(frozen=True, kw_only=True)
class GridCell:
    """One part of a study file's rating, or its global rating."""

    key: str  # a quality component, or "global"
    x: float
    w: float
    mid: float
    rating: Rating | None
    pips_x: float | None


@dataclass(frozen=True, kw_only=True)
class GridRow:
    """A rated study file's row of the traffic-light grid."""

    id: str
    name: str
    y: float
    h: float
    cells: tuple[GridCell, ...]


@dataclass(frozen=True, kw_only=True)
class StudyLink:
    """A study file named and linked to, not drawn."""

    id: str
    name: str


@dataclass(frozen=True, kw_only=True)
class QualityGrid(Chart):
    """The traffic-light grid of the rated study files (quality_grid)."""

    kind: ClassVar[str] = "quality-grid"
    wide: ClassVar[bool] = True
    columns: tuple[Column, ...]
    rows: tuple[GridRow, ...]
    unrated: tuple[StudyLink, ...]  # listed below the figure, not drawn
    files: int

    @property
    def drawn(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True, kw_only=True)
class CompletenessBar(Bar):
    """An intervention type: the review's count as an outline, the study files here as its fill."""

    h: float
    reported: int | None
    transcribed: int
    missing: int | None
    outline: float  # the review's count
    fill: float  # the study files here


@dataclass(frozen=True, kw_only=True)
class Completeness(BarChart):
    """Study files transcribed by intervention type (completeness)."""

    kind: ClassVar[str] = "completeness"
    rows: tuple[CompletenessBar, ...]


# --- shared pieces ------------------------------------------------------------------------------

def _ratings(review: dict) -> dict[str, Rating]:
    """Quality ratings by key, with their place on the scale (best first in the codebook)."""
    items = review["codebook"]["quality_ratings"]
    out = {}
    for i, item in enumerate(items):
        place = "best" if i == 0 else "worst" if i == len(items) - 1 else "mid"
        out[item["key"]] = Rating(key=item["key"], label=item["label"], filled=len(items) - i, of=len(items),
                                  css=f"es-q-{place}")
    return out


def _effects(review: dict) -> dict[str, Category]:
    return {e["key"]: Category.of(e, effect=True) for e in review["codebook"]["effects"]}


# A classification this site worked out from the review's text (the study file lists it under
# `inferred`), not one the review gives: marked so in the figures, their tables and their data.
INFERRED_MARK = "†"
INFERRED_WORDS = "worked out by this site, not read in a source; see the study page"
INFERRED_CSV = "worked out by this site"

# A direction the review recorded but the copies we have did not show: drawn as a question mark, and
# worded as the study page words it.
UNKNOWN_EFFECT = Category(key="unknown", label="not yet transcribed",
                          definition="the review's classification is not yet transcribed", symbol="?")


def _quality_known(chosen: list[dict]) -> str:
    """How many of the study files carry the review's quality rating, without reading an absent
    rating as 'not rated': the review rates every study; a file may not have its rating yet."""
    rated = sum(s["quality"]["global"] is not None for s in chosen)
    if rated == len(chosen):
        return "Each shows the review's quality rating."
    if not rated:
        return "Their quality ratings are not yet transcribed."
    return f"The review's quality rating is transcribed for {rated} of them."


def _quality_legend(ratings: dict[str, Rating], used: set, unrated: bool) -> list[LegendItem]:
    """Key entries for the quality ratings a chart shows: only those, and 'not yet transcribed' only if
    some study on it has no rating."""
    items = [LegendItem(kind="quality", rating=r, label=f"{r.label} quality") for k, r in ratings.items() if k in used]
    if unrated:
        items.append(LegendItem(kind="text", mark="", label="no shading: quality not yet transcribed"))
    return items


def _head_h(headings: list[dict]) -> float:
    """How tall the column headings are, set at 45 degrees."""
    return max(text_width(h["label"], SMALL) for h in headings) * _SIN45 + 24


def _column(heading: dict, x: float, w: float, head_h: float, stripe: bool = False) -> Column:
    """A column at x, w wide, its heading set from just left of its middle."""
    return Column(key=heading["key"], label=heading["label"], x=x, w=w, label_x=x + w / 2 - 3, label_y=head_h - 8,
                  stripe=stripe)


def _headings_reach(columns: tuple[Column, ...]) -> float:
    """Where the rightmost end of a column heading falls."""
    return max(c.label_x + text_width(c.label, SMALL) * _SIN45 for c in columns)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _transcribed_of(summary_type: GroupRow) -> str:
    reported = summary_type.reported
    if not reported:
        return f"{summary_type.transcribed} transcribed; the review's count {reported or 'not reported'}"
    return f"{summary_type.transcribed} of {reported['studies']} transcribed"


def _coverage(summary: Summary) -> str:
    t = summary.transcribed
    return f"{t.n} of the {t.of} studies the review included"


# --- effect direction plot ----------------------------------------------------------------------

def effect_direction(review: dict, studies: list[dict], summary: Summary, type_key: str | None = None) -> EffectDirection:
    """One row per study, grouped by intervention type; one column for the review's overall
    classification and one per outcome domain; a symbol for each direction the review recorded."""
    codebook = review["codebook"]
    effects, ratings = _effects(review), _ratings(review)
    types = [t for t in summary.by_type if type_key is None or t.key == type_key]
    chosen = [s for s in studies if type_key is None or s["intervention"]["type"] == type_key]

    names = {s["id"]: study_name(s) for s in chosen}
    label_w = max([text_width(n) for n in names.values()] + [120]) + 12
    quality_w = max(text_width("transcribed", SMALL), *(text_width(r.label, SMALL) + 18 for r in ratings.values()))
    col = Band(label_w + 4, 34)
    overall = {"key": "overall", "label": "Overall (review)"}
    headings = [overall] + codebook["outcomes"]
    head_h = _head_h(headings)
    columns = tuple(_column(h, col.at(i) + (0 if h is overall else 10), col.size, head_h, stripe=i % 2 == 0)
                    for i, h in enumerate(headings))  # a gap sets the overall column apart
    right = columns[-1].x + col.size
    quality_x = right + 12  # quality last, so that on a phone the symbols sit next to the study names
    width = max(quality_x + quality_w, _headings_reach(columns)) + 8

    group_h, row_h, y = 30, 38, head_h
    groups = []
    for t in types:
        mine = [s for s in chosen if s["intervention"]["type"] == t.key]
        top, y = y, y + group_h
        empty = None
        if not mine:
            empty = Label(text="no study file of this type yet", y=y)
            y += 24
        rows = []
        for s in mine:
            cells = []
            for h, c in zip(headings, columns):
                if h is overall:  # the review's verdict on the study, marked only if the file lists it as worked out
                    found = [(s["overall_effect"], "overall_effect")]
                else:
                    found = [(o["effect"], f"outcomes[{i}].effect") for i, o in enumerate(s["outcomes"] or [])
                             if o["domain"] == c.key]
                shown = [(effects[k], _worked_out(s, found, k)) for k in effects if k in dict(found)]
                shown += [(UNKNOWN_EFFECT, False)] if None in dict(found) else []
                step = 16 if any(inferred for _, inferred in shown) else 12  # room for the mark after a symbol
                mid = c.x + c.w / 2
                cells.append(EffectCell(key=c.key, x=c.x, marks=tuple(
                    Mark(effect=e, x=mid + (i - (len(shown) - 1) / 2) * step, inferred=inferred)
                    for i, (e, inferred) in enumerate(shown))))
            size = s["sample"]["size"] if s["sample"]["size"] is not None else study_missing(s, "sample.size")
            rows.append(StudyRow(
                id=s["id"], name=names[s["id"]], y=y, h=row_h, n=size, n_inferred=is_inferred(s, "sample.size"),
                n_text=f"n: {size}" if isinstance(size, Missing)
                else f"n = {size:,}" + (INFERRED_MARK if is_inferred(s, "sample.size") else ""),
                quality=ratings.get(s["quality"]["global"]), cells=tuple(cells),
                outcomes_unread=s["outcomes"] is None))
            y += row_h
        groups.append(Group(key=t.key, label=t.label, y=top, note=_transcribed_of(t),
                            note_x=4 + text_width(t.label, FONT + 1) + 10, empty=empty, rows=tuple(rows)))

    overall_counts = [(e.label.lower(), sum(s["overall_effect"] == k for s in chosen)) for k, e in effects.items()]
    unread = sum(s["overall_effect"] is None for s in chosen)
    scope = "" if type_key is None else f"{types[0].label} studies only. "
    where = f"The study files cover {_coverage(summary)}"
    n_rows = sum(len(g.rows) for g in groups)
    worked_out = sum(mk.inferred for g in groups for r in g.rows for c in r.cells for mk in c.marks)
    sizes_worked_out = sum(r.n_inferred for g in groups for r in g.rows)
    counts = [f"{n} as {label}" for label, n in overall_counts]
    # Counts of the study files here, said so: quoted alone, they must not read as the review's totals.
    desc = (f"{scope}{_plural(n_rows, 'study file', 'study files')} in rows"
            + (", grouped by type of intervention" if type_key is None else "")
            + f"; the review's overall classification and {len(codebook['outcomes'])} outcomes in columns. "
            + f"Overall, of the {_plural(n_rows, 'study file', 'study files')} here"
            + (" (not all the studies the review included)" if summary.transcribed.n < summary.included else "")
            + f", the review classed {', '.join(counts[:-1]) + ' and ' if len(counts) > 1 else ''}"
            + f"{counts[-1]}" + (f"; for {unread} its class is not yet transcribed" if unread else "") + ". "
            + (f"{_plural(worked_out, 'class', 'classes')}, marked {INFERRED_MARK}, "
               f"{'was' if worked_out == 1 else 'were'} worked out by this site from the review's text; "
               f"each study page says how. " if worked_out else "")
            + (f"{_plural(sizes_worked_out, 'number of participants', 'numbers of participants')}, marked "
               f"{INFERRED_MARK}, {'was' if sizes_worked_out == 1 else 'were'} worked out by this site from the "
               f"study's own figures. " if sizes_worked_out else "")
            + _quality_known(chosen) + f" {where}.")
    shown_keys = {mk.effect.key for g in groups for r in g.rows for c in r.cells for mk in c.marks}
    suffix = "all" if type_key is None else type_key
    title = "Effect direction plot" + ("" if type_key is None else f": {types[0].label}")
    return EffectDirection(
        id=f"ed-{suffix}", title=title, desc=desc,
        caption=(f"Effect direction plot{'' if type_key is None else ' for ' + types[0].label.lower() + ' studies'}: "
                 f"the direction of effect the review recorded for each study file and outcome"
                 + (f", except where marked {INFERRED_MARK}: those classes were worked out by this site from the "
                    f"review's text" if worked_out else "")
                 + (f"; participant numbers are from each study's own sources{', and one marked ' + INFERRED_MARK + ' was worked out by this site' if sizes_worked_out == 1 else ', and those marked ' + INFERRED_MARK + ' were worked out by this site' if sizes_worked_out else ''}")
                 + f". {where}" + (", so studies without a file are missing here." if summary.transcribed.n
                                   < summary.included else ".")),
        width=width, height=y + 6, quality_x=quality_x, head_h=head_h, columns=columns, groups=tuple(groups),
        classes_worked_out=worked_out, sizes_worked_out=sizes_worked_out,
        legend=tuple([LegendItem(kind="symbol", effect=e, label=e.label) for k, e in effects.items() if k in shown_keys]
                     + ([LegendItem(kind="symbol", effect=UNKNOWN_EFFECT, label=UNKNOWN_EFFECT.definition)]
                        if "unknown" in shown_keys else [])
                     + ([LegendItem(kind="text", mark=INFERRED_MARK, label=INFERRED_WORDS)]
                        if worked_out + sizes_worked_out else [])
                     + [LegendItem(kind="text", mark="", label="blank: not measured")]
                     + _quality_legend(ratings, {s["quality"]["global"] for s in chosen},
                                       any(s["quality"]["global"] is None for s in chosen))),
    )


def _worked_out(study: dict, found: list[tuple], key: str) -> bool:
    """Whether this site worked out every value that puts the study in effect class key in a cell
    (found: (class, its field, None for one never marked) for each value in the cell): then the mark is
    the site's, not the review's."""
    return all(field is not None and is_inferred(study, field) for effect, field in found if effect == key)


# --- evidence gap map ----------------------------------------------------------------------------

def gap_map(review: dict, studies: list[dict], summary: Summary) -> GapMap:
    """Intervention type x outcome domain: how many study files looked at each pair, how many of
    those improved on it, shaded by the weakest quality rating among them; empty pairs are gaps."""
    codebook = review["codebook"]
    ratings = _ratings(review)
    favourable = summary.favourable  # the codebook's first effect class
    label_w = max([text_width(t.label, FONT + 1) for t in summary.by_type]
                  + [text_width(_transcribed_of(t), SMALL) for t in summary.by_type] + [120]) + 16
    col = Band(label_w, 44, 4)
    head_h = _head_h(codebook["outcomes"])
    columns = tuple(_column(o, col.at(i), col.size, head_h) for i, o in enumerate(codebook["outcomes"]))
    row = Band(head_h, 48, 4)
    rows = []
    for r, t in enumerate(summary.by_type):
        mine = [s for s in studies if s["intervention"]["type"] == t.key]
        cells = []
        for c in columns:
            measured = [s for s in mine if any(o["domain"] == c.key for o in (s["outcomes"] or []))]
            found = {s["id"]: [(o["effect"], f"outcomes[{i}].effect") for i, o in enumerate(s["outcomes"])
                               if o["domain"] == c.key] for s in measured}
            favoured = [s for s in measured if favourable.key in dict(found[s["id"]])]
            improved = len(favoured)
            worked_out = sum(_worked_out(s, found[s["id"]], favourable.key) for s in favoured)
            mark = INFERRED_MARK if worked_out else ""
            rated = [ratings[s["quality"]["global"]] for s in measured if s["quality"]["global"] in ratings]
            mix = [(q.label, sum(s["quality"]["global"] == k for s in measured)) for k, q in ratings.items()]
            mix = [(label, n) for label, n in mix if n]
            unrated = len(measured) - len(rated)
            if unrated:
                mix.append(("not yet transcribed", unrated))
            cells.append(GapCell(
                key=c.key, label=c.label, x=c.x, w=c.w, mid=c.x + c.w / 2, studies=len(measured), improved=improved,
                improved_inferred=worked_out, listing=f"studies/type/{t.key}/outcome/{c.key}/" if measured else None,
                link_label=(f"{len(measured)} {favourable.symbol}{improved}{mark}: {t.label}, {c.label.lower()}, "
                            f"{_plural(len(measured), 'study file', 'study files')}, {improved} "
                            f"{favourable.label.lower()}"
                            + (f" ({worked_out} worked out by this site)" if worked_out else "") + "; list them"),
                share=Count(improved, len(measured), False, summary.small_group_below) if measured else None,
                weakest=min(rated, key=lambda q: q.filled) if rated else None,
                quality_mix=tuple(mix), names=tuple(study_name(s) for s in measured)))
        rows.append(GapRow(key=t.key, label=t.label, note=_transcribed_of(t), y=row.at(r), h=row.size,
                           files=len(mine), cells=tuple(cells)))
    filled = sum(c.studies > 0 for r in rows if r.files for c in r.cells)
    gaps = sum(c.studies == 0 for r in rows if r.files for c in r.cells)
    empty_types = [r for r in rows if not r.files]
    weakest_used = [c.weakest for r in rows for c in r.cells if c.weakest]
    unrated_cells = any(c.studies and not c.weakest for r in rows for c in r.cells)
    width = max(col.end(len(columns)), _headings_reach(columns)) + 8
    complete = summary.transcribed.n >= summary.included
    where = (f"it shows all {summary.included} studies the review included" if complete else
             f"it shows only the {summary.transcribed.n} transcribed study files, "
             f"not all {summary.included} studies the review included")
    unread = summary.outcomes_unread
    by = [] if complete else ["by a study that is not transcribed yet"]
    if unread:
        by.append("by the study file here" if unread == 1 else f"by one of the {unread} study files here")
        by[-1] += " whose outcomes are not yet transcribed"
    fill = f"a gap may be filled {' or '.join(by)}" if by else "a gap is a pair no included study measured"
    desc = (f"{len(rows)} types of intervention in rows, {len(columns)} outcomes in columns; each cell gives the number "
            f"of study files that measured the outcome and how many of them were classed {favourable.label.lower()} on it. "
            f"{_plural(filled, 'pair has', 'pairs have')} at least one study file and {_plural(gaps, 'is a gap', 'are gaps')}"
            + (f"; {_plural(len(empty_types), 'type has', 'types have')} no study file yet" if empty_types else "")
            + f". Like the figure, {where}; {fill}.")
    marked = sum(c.improved_inferred > 0 for r in rows for c in r.cells)
    if marked:
        desc += (f" In {_plural(marked, 'cell', 'cells')}, marked {INFERRED_MARK}, the count of studies classed "
                 f"{favourable.label.lower()} includes a class on that outcome worked out by this site from the "
                 f"review's text; each study page says how.")
    return GapMap(
        id="gap-map", title="Evidence gap map", desc=desc,
        caption=(f"Evidence gap map: for each type of intervention and outcome, how many study files measured it "
                 f"and how many of those were classed {favourable.label.lower()} on it. "
                 + (f"It {where[3:]}; {fill}." if complete else f"Be careful: {where}; {fill}.")),
        width=width, height=row.end(len(rows)) + 6, cells_w=col.end(len(columns)) - col.start,
        columns=columns, rows=tuple(rows), favourable=favourable,
        legend=tuple([LegendItem(kind="text", mark="3", label="study files that measured it"),
                      LegendItem(kind="text", mark=f"{favourable.symbol}2",
                                 label=f"of those, {favourable.label.lower()} on it"),
                      LegendItem(kind="gap", label="dashed, empty: a gap, no study file here records it")]
                     + ([LegendItem(kind="hatch", label="hatched: no study file of this type yet")] if empty_types else [])
                     + ([LegendItem(kind="text", mark=INFERRED_MARK,
                                    label=f"the count includes a class {INFERRED_WORDS}")] if marked else [])
                     + ([LegendItem(kind="text", mark="",
                                    label="shading and bars: the weakest quality rating among its study files")]
                        + [LegendItem(kind="quality", rating=r, label=r.label) for r in ratings.values()
                           if r in weakest_used]
                        if weakest_used else [])
                     + ([LegendItem(kind="text", mark="", label="plain grey: no rating transcribed yet")]
                        if unrated_cells else [])),
    )


# --- PRISMA-style flow diagram -------------------------------------------------------------------

# The flow diagram's boxes (PRISMA 2020, new review, databases only): review.yml prisma key and
# plain-words label, main column (down the page) or side column (records removed at that step).
PRISMA_PHASES = [
    ("Identification", [("records_identified", "Records found by the searches"),
                        ("duplicates_removed", "Duplicates removed")]),
    ("Screening", [("records_screened", "Records screened by title and abstract"),
                   ("records_excluded", "Records excluded at screening")]),
    (None, [("full_texts_assessed", "Full texts assessed"), ("full_texts_excluded", "Full texts excluded")]),
    ("Included", [("included", "Studies included"), None]),
]


def prisma(review: dict) -> Prisma:
    """The review's study selection drawn in the PRISMA layout (which PRISMA version the review followed is
    not assumed); a count review.yml does not hold shows its reason ('not reported' or 'not yet
    transcribed')."""
    counts = review.get("prisma") or {}
    main_w, side_w, gap, pad, line = 196, 150, 28, 8, FONT + 4
    main_x, side_x = 0.5, 0.5 + main_w + gap
    y, boxes, arrows, phases = 0.5, [], [], []
    previous = None
    for phase, pair in PRISMA_PHASES:
        if phase:
            phases.append(Label(text=phase, y=y + FONT))
            y += FONT + 8
        stages = []
        for (x, w), stage in zip(((main_x, main_w), (side_x, side_w)), pair):
            if stage:
                key, label = stage
                stages.append((x, w, key, label, wrap(label, w - 2 * pad)))
        h = max(len(lines) for *_, lines in stages) * line + line + 2 * pad
        row = [Box(key=key, label=label, value=_prisma_count(review, counts, key), lines=tuple(lines),
                   x=x, y=y, w=w, h=h, text_y=y + pad + FONT, line=line, side=x == side_x)
               for x, w, key, label, lines in stages]
        boxes += row
        main = row[0]
        if previous:
            arrows.append(Arrow(x1=main.x + main_w / 2, y1=previous.y + previous.h, x2=main.x + main_w / 2, y2=y - 1))
        if len(row) > 1:
            arrows.append(Arrow(x1=main_x + main_w, y1=y + h / 2, x2=side_x - 1, y2=y + h / 2))
        previous = main
        y += h + 22
    absent = [b for b in boxes if not isinstance(b.value, int)]
    desc = ("How the review found its studies. " + "; ".join(f"{b.label}: {b.value:,}" if type(b.value) is int else f"{b.label}: {b.value}" for b in boxes) + ".")
    reasons = sorted({str(b.value) for b in absent})
    return Prisma(
        id="prisma-flow", title="Study selection flow diagram", desc=desc,
        caption=("How the review found and chose its studies, drawn by this site in the PRISMA layout from the counts "
                 "the review gives"
                 + (f" ({len(boxes) - len(absent)} of the {len(boxes)} boxes); the other {len(absent)} are marked "
                    f"{' or '.join(chr(34) + r + chr(34) for r in reasons)}." if absent else ".")),
        width=side_x + side_w + 0.5, height=y - 22 + 0.5, boxes=tuple(boxes), arrows=tuple(arrows),
        phases=tuple(phases), legend=(),
    )


def _prisma_count(review: dict, counts: dict, key: str) -> int | Missing:
    value = counts.get(key)
    return missing(review, f"prisma.{key}") if value is None else value


# --- quality: the review's reported ratings, and a traffic-light grid for rated study files -------

def quality_reported(review: dict, summary: Summary) -> QualityReported:
    """The review's global ratings as bars out of all included studies, each bar under its label;
    counts the review gives but the copies we have did not show say so."""
    ratings = _ratings(review)
    total = summary.included
    bar_x, bar_w = 20, 200
    row = Band(2, 40, 2)
    rows = []
    for i, q in enumerate(summary.quality):
        n = q.reported.n if q.reported else None
        rows.append(RatingBar(key=q.key, label=q.label, rating=ratings[q.key], n=n, count=q.reported, y=row.at(i),
                              bar=scale(n or 0, total, bar_w),
                              value=f"{n} of {total}" if n is not None else str(q.reported)))
    known = sum(r.n for r in rows if r.n is not None)
    absent = [r for r in rows if r.n is None]
    worked_out = ""
    if known < total and absent:
        # The review rated every included study: the ones its known counts leave over were rated one of
        # the ratings whose count is missing. That number is this site's subtraction, and says so.
        rest = total - known
        names = " or ".join([absent[0].label] + [r.label.lower() for r in absent[1:]])
        why = " or ".join(sorted({str(r.count) for r in absent}))
        label = names if len(absent) == 1 else \
            f"{names} ({'which one' if rest == 1 else 'how many of each'} is {why})"
        rated = " or ".join(r.label.lower() for r in rows if r.n)
        note = f"calculated by this site: the {total} studies minus the {known} the review rated {rated}"
        rows.append(RatingBar(key="unread", label=label, rating=None, n=rest,
                              count=Count(rest, total, False, summary.small_group_below), y=row.at(len(rows)),
                              bar=scale(rest, total, bar_w), value=f"{rest} of {total}, calculated by this site",
                              note=note))
        worked_out = (f" The last bar is not a count the review gives: this site worked it out as {total} minus "
                      f"{known}.")
    width = max([bar_x + bar_w] + [bar_x + r.bar + 6 + text_width(r.value, SMALL) for r in rows]
                + [bar_x + text_width(r.label) * 1.1 for r in rows]) + 4  # labels are bold
    parts = [f"{r.label}: {r.value}" for r in rows]
    return QualityReported(
        id="quality-reported", title=f"Global quality ratings the review reported, out of {total} studies",
        desc=f"Bars out of all {total} included studies. " + "; ".join(parts) + ".",
        caption=(f"The review's global {review['methods'].get('quality_tool_short') or 'quality'} ratings for all "
                 f"{total} included studies, as it reported them. Counts the available copies of the review did not "
                 f"show are marked \"not yet transcribed\".{worked_out}"),
        width=width, height=row.end(len(rows)) + 2, bar_x=bar_x, bar_w=bar_w, rows=tuple(rows), total=total,
        legend=(),
    )


def quality_grid(review: dict, studies: list[dict], summary: Summary) -> QualityGrid:
    """robvis-style traffic lights: one row per study file with a rating, its components then its
    global rating, each as bars and a word; study files without a rating are listed, not drawn."""
    codebook = review["codebook"]
    ratings = _ratings(review)
    rated = [s for s in studies if s["quality"]["global"] is not None]
    unrated = tuple(StudyLink(id=s["id"], name=study_name(s)) for s in studies if s["quality"]["global"] is None)
    global_rating = {"key": "global", "label": "Global rating"}
    headings = codebook["quality_components"] + [global_rating]
    label_w = max([text_width(study_name(s)) for s in rated] + [110]) + 16
    cell_w = max(text_width(r.label, 10) for r in ratings.values()) + 8
    col = Band(label_w, cell_w, 4)
    head_h = _head_h(headings)
    columns = tuple(_column(h, col.at(i) + (8 if h is global_rating else 0), cell_w, head_h) for i, h in enumerate(headings))
    row = Band(head_h, 36, 4)
    rows = []
    for r, s in enumerate(rated):
        components = s["quality"]["components"] or {}
        cells = []
        for h, c in zip(headings, columns):
            rating = ratings.get(s["quality"]["global"] if h is global_rating else components.get(c.key))
            mid = c.x + cell_w / 2
            cells.append(GridCell(key=c.key, x=c.x, w=cell_w, mid=mid, rating=rating,
                                  pips_x=mid - (rating.of * 5 - 1) / 2 if rating else None))
        rows.append(GridRow(id=s["id"], name=study_name(s), y=row.at(r), h=row.size, cells=tuple(cells)))
    width = max(columns[-1].x + cell_w, _headings_reach(columns)) + 8
    tool = review["methods"].get("quality_tool_short") or "quality"
    return QualityGrid(
        id="quality-grid", title=f"{tool} ratings of each study file, part by part",
        desc=(f"{len(rated)} of the {len(studies)} study files {'carries' if len(rated) == 1 else 'carry'} a rating: "
              f"one row each, one column for each part the tool rates and one for the global rating. "
              f"{_plural(len(unrated), 'study file has', 'study files have')} no rating yet and "
              f"{'is' if len(unrated) == 1 else 'are'} listed below the figure instead."),
        caption=(f"{tool} ratings of the {len(rated)} study files that carry one, part by part "
                 f"(traffic-light plot). The study files cover {_coverage(summary)}."),
        width=width, height=row.end(len(rows)) + 6, columns=columns, rows=tuple(rows), unrated=unrated,
        files=len(studies),
        legend=tuple([LegendItem(kind="quality", rating=r, label=r.label) for r in ratings.values()
                      if any(c.rating is r for row in rows for c in row.cells)]
                     + ([LegendItem(kind="text", mark="?", label="dashed box: not yet transcribed")]
                        if any(c.rating is None for row in rows for c in row.cells) else [])),
    )


# --- completeness: transcribed against reported, by intervention type ---------------------------

def completeness(summary: Summary) -> Completeness:
    """Per intervention type, a bar as long as the review's count, filled as far as transcribed."""
    label_w = max(text_width(t.label) for t in summary.by_type) + 12
    bar_w = 170
    value_w = max(text_width(_completeness_value(t), SMALL) for t in summary.by_type) + 10
    most = max([t.reported["studies"] for t in summary.by_type if t.reported]
               + [t.transcribed for t in summary.by_type] + [1])
    row = Band(4, 24, 8)
    rows = []
    for i, t in enumerate(summary.by_type):
        reported = t.reported["studies"] if t.reported else None
        rows.append(CompletenessBar(key=t.key, label=t.label, y=row.at(i), h=row.size,
                                    reported=reported, transcribed=t.transcribed, missing=t.missing,
                                    outline=scale(reported or 0, most, bar_w), fill=scale(t.transcribed, most, bar_w),
                                    value=_completeness_value(t)))
    total = summary.transcribed
    return Completeness(
        id="completeness-figure", title=f"Study files transcribed, by type of intervention: {total.n} of {total.of}",
        desc="; ".join(f"{r.label}: {r.value}" for r in rows) + ".",
        caption=(f"How many of the review's studies are transcribed, by type of intervention: {total.n} of {total.of} "
                 f"in all. The outline is the review's count; the filled part is the study files here."),
        width=label_w + bar_w + value_w, height=row.end(len(rows)) + 4, bar_x=label_w, bar_w=bar_w, rows=tuple(rows),
        legend=tuple(([LegendItem(kind="bar", label="transcribed")] if any(r.transcribed for r in rows) else [])
                     + ([LegendItem(kind="outline", label="in the review, not yet transcribed")]
                        if any(r.missing for r in rows) else [])),
    )


def _completeness_value(t: GroupRow) -> str:
    if not t.reported:
        return f"{t.transcribed} (review: {t.reported or 'not reported'})"
    return f"{t.transcribed} of {t.reported['studies']}"


# --- all of them ---------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Charts:
    """Every figure the pages show (build_charts). A per-study figure is None past the per-study
    threshold; reuse.FIGURES names each exported one by its field here."""

    effect_direction: EffectDirection | None
    effect_direction_by_type: dict[str, EffectDirection]  # by intervention type key
    gap_map: GapMap
    prisma: Prisma
    quality_reported: QualityReported
    quality_grid: QualityGrid | None
    completeness: Completeness
    outcome_classes_worked_out: int  # classes on single outcomes this site worked out (marked INFERRED_MARK)


def build_charts(review: dict, studies: list[dict], summary: Summary, per_study: bool = True) -> Charts:
    """Every figure the pages show, computed once per build. With per_study False (a review too
    large for one row per study on a page) the per-study figures are left out; the per-type
    study pages draw them a page at a time."""
    return Charts(
        effect_direction=effect_direction(review, studies, summary) if per_study else None,
        # A type that holds every study file would repeat the overall plot row for row: not drawn.
        effect_direction_by_type={t.key: effect_direction(review, studies, summary, t.key)
                                  for t in summary.by_type if 0 < t.transcribed < len(studies)}
        if per_study else {},
        gap_map=gap_map(review, studies, summary),
        prisma=prisma(review),
        quality_reported=quality_reported(review, summary),
        quality_grid=quality_grid(review, studies, summary) if per_study else None,
        completeness=completeness(summary),
        outcome_classes_worked_out=sum(is_inferred(s, f"outcomes[{i}].effect") for s in studies
                                       for i, o in enumerate(s["outcomes"] or []) if o["effect"] is not None),
    )
