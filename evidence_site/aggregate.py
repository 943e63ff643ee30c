"""Turn the review file and the study files into the figures the pages show.

Pure functions over plain data: nothing here reads files or renders text. `summarise` gives the
figures; `consistency_problems` says where the study files contradict the review's reported
results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .load import Document
from .problems import Problem, path_str

SMALL_GROUP = 5  # default for site.small_group_below: fewer studies than this, say the figure rests on very few

# Why a value is missing. The words readers see come from here and nowhere else.
NOT_REPORTED, NOT_YET_TRANSCRIBED, SOURCES_DISAGREE = "not-reported", "not-yet-transcribed", "sources-disagree"
MISSING_WORDS = {NOT_REPORTED: "not reported", NOT_YET_TRANSCRIBED: "not yet transcribed",
                 SOURCES_DISAGREE: "the sources disagree"}


@dataclass(frozen=True)
class Missing:
    """A value the site does not have, with the reason: prints as 'not reported' (the source does not
    give it), 'not yet transcribed' (the source gives it, or may, where we could not read it) or 'the
    sources disagree'. False in tests, so `{% if value %}` and `value or default` treat it like null."""

    reason: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return MISSING_WORDS[self.reason]


def missing(review: dict, path: str) -> Missing:
    """Why review.yml has no value at a dotted path: its `missing:` map, or 'not yet transcribed', so
    that a null never claims the review left the value out."""
    return Missing((review.get("missing") or {}).get(path) or NOT_YET_TRANSCRIBED)


# The parts of review.yml that hold facts about the review; the others (the codebook, the site's
# settings, the missing map itself) use null for "none" or "not set", never for a missing fact.
REVIEW_FACTS = ("citation", "dates", "methods", "prisma", "reported", "review_stated_limitations")


def present_review(review: dict) -> dict:
    """The review for the pages: each null fact becomes a Missing with its reason (`missing`)."""
    def walk(value, path):
        if isinstance(value, dict):
            return {k: walk(v, f"{path}.{k}" if path else k) for k, v in value.items()}
        if value is None and path.split(".")[0] in REVIEW_FACTS:
            return missing(review, path)
        return value
    return walk(review, "")


def study_missing(study: dict, path: str) -> Missing:
    """Why a study file has no value at a dotted path (sample.size, outcomes[0].effect_size): its
    `missing` list, or 'not yet transcribed', so that a null never claims the source left it out."""
    reasons = {entry["field"]: entry["status"] for entry in study.get("missing") or []}
    return Missing(reasons.get(path, NOT_YET_TRANSCRIBED))


def present_study(study: dict) -> dict:
    """A study for the pages: every null value becomes a Missing with its reason (study_missing);
    notes (fields named ...note) and `updated` stay null, as they only say there is nothing to add."""
    reasons = {entry["field"]: entry["status"] for entry in study.get("missing") or []}

    def walk(value, path):
        if isinstance(value, dict):
            return {k: walk(v, f"{path}.{k}" if path else k) for k, v in value.items()}
        if isinstance(value, list) and path == "outcomes":
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if value is None and not path.endswith("note") and path != "updated":
            return Missing(reasons.get(path, NOT_YET_TRANSCRIBED))
        return value
    return walk(study, "")


@dataclass(frozen=True)
class Count:
    """n of N, with its percentage and, for an estimate, the 95% Wilson score interval this site
    calculates from the counts. A descriptive count (a plain fact about the included studies or the
    study files) has no interval."""

    n: int
    of: int
    estimate: bool = True
    small_below: int = SMALL_GROUP

    @property
    def percent(self) -> int | None:
        return None if not self.of else (200 * self.n + self.of) // (2 * self.of)

    @property
    def interval(self) -> tuple[int, int] | None:
        if not self.estimate:
            return None
        low, high = wilson(self.n, self.of)
        return None if low is None else (math.floor(low * 100 + 0.5), math.floor(high * 100 + 0.5))

    @property
    def small(self) -> bool:
        return self.of < self.small_below

    def __str__(self) -> str:
        if not self.of:
            return f"{self.n}/{self.of}"
        if self.interval is None:
            return f"{self.n}/{self.of} ({self.percent}%)"
        low, high = self.interval
        return f"{self.n}/{self.of} ({self.percent}%; 95% CI {low}-{high}%, calculated by this site)"


def wilson(n: int, total: int, z: float = 1.959963984540054) -> tuple[float | None, float | None]:
    """95% Wilson score interval for n successes in total trials; (None, None) when total is 0."""
    if total <= 0:
        return None, None
    p = n / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def effect_symbol(effect: dict) -> str:
    """An effect class's symbol; the schema lets a codebook leave it out, and then it is the label's
    first letter. The one place that decides this: badges, charts and legends all call it."""
    return effect.get("symbol") or effect["label"][:1]


def codebook_labels(review: dict) -> dict:
    """The codebook by group and key: labels["effects"]["improved"] -> {key, label, definition, ...};
    every effect has its symbol (see effect_symbol)."""
    labels = {group: {item["key"]: item for item in items} for group, items in review["codebook"].items()}
    labels["effects"] = {key: {**e, "symbol": effect_symbol(e)} for key, e in labels["effects"].items()}
    return labels


def _measured(study: dict, domain: str) -> list:
    return [o for o in (study.get("outcomes") or []) if o["domain"] == domain]


@dataclass(frozen=True, kw_only=True)
class Category:
    """A codebook category as the pages show it (review.yml codebook; the schema's categories)."""

    key: str
    label: str
    definition: str
    symbol: str | None = None  # effect classes only: always set (effect_symbol)

    @classmethod
    def of(cls, item: dict, effect: bool = False) -> Category:
        return cls(key=item["key"], label=item["label"], definition=item["definition"],
                   symbol=effect_symbol(item) if effect else None)


@dataclass(frozen=True, kw_only=True)
class GroupRow(Category):
    """One intervention type or outcome: what the review reports for it, and what the study files
    here show. reported is the review's own counts for the group ({"studies": n, <effect key>: n}),
    or a Missing; the transcribed figures are tallies of the study files (no interval)."""

    reported: dict | Missing
    reported_favourable: Count | Missing  # the review's count in the favourable class, an estimate
    transcribed: int  # study files in the group
    transcribed_favourable: int  # of those, in the favourable class
    transcribed_share: Count | None  # the same as n of the files; None when the group has no file
    missing: int | None  # intervention types: studies the review counts that have no file here; outcomes: None


@dataclass(frozen=True, kw_only=True)
class EffectRow(Category):
    """One effect class overall: the review's count of the included studies (an estimate), and the
    study files here in that class."""

    reported: Count | Missing
    transcribed: int
    transcribed_share: Count | None


@dataclass(frozen=True, kw_only=True)
class QualityRow(Category):
    """One quality rating: how many included studies the review rated so (a plain fact, no
    interval), and how many study files here carry it."""

    reported: Count | Missing
    transcribed: int


@dataclass(frozen=True, kw_only=True)
class Summary:
    """Every figure the pages, cards, charts and `diff` show, computed once a build (summarise)."""

    included: int  # studies the review included
    transcribed: Count  # study files here, of the included studies
    small_group_below: int  # fewer studies than this in a group: the figure says it rests on very few
    favourable: Category  # the codebook's first effect class (improved)
    overall: tuple[EffectRow, ...]
    overall_unknown: int  # study files whose overall class is not yet transcribed
    by_type: tuple[GroupRow, ...]
    by_outcome: tuple[GroupRow, ...]
    outcomes_unread: int  # study files whose outcome list is not yet transcribed (they count towards no outcome)
    quality: tuple[QualityRow, ...]
    quality_unrated: int  # study files without a global quality rating
    students: Count | None  # included studies with student convenience samples, if the review says
    percentages_printed: bool  # the review prints the percentage beside each count (reported.percentages_printed)
    figures: dict[str, Count]  # named figures that review.yml's prose may point at (_figures)
    data_date: str | None  # the newest added/updated date of the study files


def summarise(review: dict, studies: list[dict]) -> Summary:
    """Reported and transcribed figures, group by group, in codebook order.

    A figure the review gives is a Count, with the interval this site calculates when it is an
    estimate (a share of studies that found an improvement); a plain fact about the included set
    (how many were rated weak, how many used students) and every tally of the study files here are
    descriptive, with no interval. A figure the review file lacks is a Missing with its reason.
    """
    codebook, reported = review["codebook"], review["reported"]
    total = reported["included_studies"]
    small = (review.get("site") or {}).get("small_group_below") or SMALL_GROUP
    favourable = codebook["effects"][0]["key"]

    def estimate(n, of):
        return Count(n, of, True, small)

    def share(n, of):
        """n of the study files in a group, or None when the group has no study file."""
        return Count(n, of, False, small) if of else None

    def group_row(category, group, members, improved, where, missing_count):
        return GroupRow(**vars(Category.of(category)),
                        reported=group or missing(review, where),
                        reported_favourable=estimate(group[favourable], group["studies"])
                        if group and group.get(favourable) is not None else missing(review, where),
                        transcribed=len(members), transcribed_favourable=improved,
                        transcribed_share=share(improved, len(members)), missing=missing_count)

    by_type = []
    for category in codebook["intervention_types"]:
        key = category["key"]
        group = reported["by_intervention_type"].get(key)
        mine = [s for s in studies if s["intervention"]["type"] == key]
        improved = sum(s["overall_effect"] == favourable for s in mine)
        by_type.append(group_row(category, group, mine, improved, f"reported.by_intervention_type.{key}",
                                 (group["studies"] - len(mine)) if group else None))
    by_outcome = []
    for category in codebook["outcomes"]:
        key = category["key"]
        group = reported["by_outcome"].get(key)
        measured = [s for s in studies if _measured(s, key)]
        improved = sum(any(o["effect"] == favourable for o in _measured(s, key)) for s in measured)
        by_outcome.append(group_row(category, group, measured, improved, f"reported.by_outcome.{key}", None))
    overall = []
    for category in codebook["effects"]:
        n = reported["overall"].get(category["key"])
        mine = sum(s["overall_effect"] == category["key"] for s in studies)
        overall.append(EffectRow(**vars(Category.of(category, effect=True)),
                                 reported=estimate(n, total) if n is not None
                                 else missing(review, f"reported.overall.{category['key']}"),
                                 transcribed=mine, transcribed_share=share(mine, len(studies))))
    quality = []
    for category in codebook["quality_ratings"]:
        n = reported["quality"].get(category["key"])
        quality.append(QualityRow(**vars(Category.of(category)),
                                  reported=Count(n, total, False, small) if n is not None
                                  else missing(review, f"reported.quality.{category['key']}"),
                                  transcribed=sum(s["quality"]["global"] == category["key"] for s in studies)))
    students = reported.get("student_convenience_samples")
    return Summary(
        included=total,
        transcribed=Count(len(studies), total, False, small),
        small_group_below=small,
        favourable=Category.of(codebook["effects"][0], effect=True),
        overall=tuple(overall),
        overall_unknown=sum(s["overall_effect"] is None for s in studies),
        by_type=tuple(by_type),
        by_outcome=tuple(by_outcome),
        quality=tuple(quality),
        quality_unrated=sum(s["quality"]["global"] is None for s in studies),
        outcomes_unread=sum(s["outcomes"] is None for s in studies),
        students=Count(students, total, False, small) if students is not None else None,
        percentages_printed=bool(reported.get("percentages_printed")),
        figures=_figures(reported, small),
        data_date=max((s.get("updated") or s["added"] for s in studies), default=None),
    )


def _figures(reported: dict, small: int = SMALL_GROUP) -> dict:
    """Named single figures that prose in review.yml may point at (limitations[].figure): plain facts
    about the included studies, so none has an interval."""
    total = reported["included_studies"]
    figures = {f"quality.{k}": Count(v, total, False, small) for k, v in reported["quality"].items() if v is not None}
    if reported.get("student_convenience_samples") is not None:
        figures["student_convenience_samples"] = Count(reported["student_convenience_samples"], total, False, small)
    return figures


def consistency_problems(review_doc: Document, studies: list[dict], documents: list[Document] | None = None) \
        -> list[Problem]:
    """Where the study files contradict the counts the review reports.

    Transcribed counts may never exceed reported ones. Once every study of an intervention type
    is transcribed, that type's counts must match; once every included study is transcribed,
    every reported count must match. A count that is too high is reported at the newest study
    file counted, naming every file counted (file:line) and the review.yml line it contradicts;
    without the documents (their lines), or for a count too low, at the review.yml line.
    """
    review = review_doc.data
    reported = review["reported"]
    total = reported["included_studies"]
    complete = len(studies) == total
    files = {doc.data.get("id"): doc for doc in documents or [] if isinstance(doc.data, dict)}
    problems = []

    def compare(path, what, reported_n, counted, must_equal):
        """counted: (study, the field that put it in this count) for each study counted."""
        mine = len(counted)
        if reported_n is None or not (mine > reported_n or (must_equal and mine != reported_n)):
            return
        if mine < reported_n or not all(study["id"] in files for study, _ in counted):
            problems.append(review_doc.problem(
                path,
                f"{what}: the study files give {mine}, {'more' if mine > reported_n else 'fewer'} than the "
                f"{reported_n} the review reports"
                + ("" if mine > reported_n else " (every study in this group is transcribed, so they must match)"),
                "contradicts-review"))
            return
        newest = sorted(sorted(counted, key=lambda c: c[0]["id"]), key=lambda c: _last_dated(c[0]), reverse=True)
        places = [f"{files[study['id']].file}:{files[study['id']].where(field)[0]}" for study, field in newest]
        shown = ", ".join(places[:LISTED]) + (f" and {len(places) - LISTED} more" if len(places) > LISTED else "")
        said = f"{what}: the study files give {mine}, more than the {reported_n} the review reports"
        look = f"check the files counted, newest first: {shown}"
        if len(newest) > 1 and _last_dated(newest[0][0]) == _last_dated(newest[1][0]):  # no one newest file
            problems.append(review_doc.problem(path, f"{said}; {look}", "contradicts-review"))
            return
        message = f"{said} at review.yml:{review_doc.where(path)[0]} ({path_str(path)}); {look}"
        study, field = newest[0]
        line, col = files[study["id"]].where(field)
        problems.append(Problem(files[study["id"]].file, line, col, path_str(field), message, "contradicts-review"))

    def outcome(study, key, effect=None):
        """The field of the study's first outcome in domain key (with that effect, if given)."""
        return next((("outcomes", i, "effect" if effect else "domain") for i, o in enumerate(study["outcomes"] or [])
                     if o["domain"] == key and (effect is None or o["effect"] == effect)), None)

    compare(("reported", "included_studies"), "included studies", total, [(s, ("id",)) for s in studies], False)
    for key, group in reported["by_intervention_type"].items():
        if not group:
            continue
        mine = [s for s in studies if s["intervention"]["type"] == key]
        group_complete = complete or len(mine) == group["studies"]
        compare(("reported", "by_intervention_type", key, "studies"), f"intervention type '{key}', studies",
                group["studies"], [(s, ("intervention", "type")) for s in mine], complete)
        for effect, count in group.items():
            if effect != "studies":
                compare(("reported", "by_intervention_type", key, effect),
                        f"intervention type '{key}', studies classed '{effect}'", count,
                        [(s, ("overall_effect",)) for s in mine if s["overall_effect"] == effect], group_complete)
    for effect, count in reported["overall"].items():
        compare(("reported", "overall", effect), f"studies classed '{effect}' overall", count,
                [(s, ("overall_effect",)) for s in studies if s["overall_effect"] == effect], complete)
    for key, group in reported["by_outcome"].items():
        if not group:
            continue
        measured = [s for s in studies if _measured(s, key)]
        compare(("reported", "by_outcome", key, "studies"), f"outcome '{key}', studies measuring it",
                group["studies"], [(s, outcome(s, key)) for s in measured], complete)
        for effect, count in group.items():
            if effect != "studies":
                compare(("reported", "by_outcome", key, effect), f"outcome '{key}', studies classed '{effect}' on it",
                        count, [(s, outcome(s, key, effect)) for s in measured if outcome(s, key, effect)], complete)
    for rating, count in reported["quality"].items():
        compare(("reported", "quality", rating), f"studies rated '{rating}'", count,
                [(s, ("quality", "global")) for s in studies if s["quality"]["global"] == rating], complete)
    return problems


LISTED = 10  # files named in a contradiction; more are counted, not listed


def _last_dated(study: dict) -> str:
    return study.get("updated") or study["added"]


def changes(studies: list[dict]) -> list[dict]:
    """One entry per added or updated study, newest first, then by study id."""
    entries = []
    for study in studies:
        entries.append({"date": study["added"], "kind": "added", "study": study})
        if study.get("updated") and study["updated"] != study["added"]:
            entries.append({"date": study["updated"], "kind": "updated", "study": study})
    entries.sort(key=lambda e: (e["kind"], e["study"]["id"]))
    return sorted(entries, key=lambda e: e["date"], reverse=True)


def study_name(study: dict) -> str:
    """Brown and Kuss (2020), Tromholt (2016), Hall et al (2019): plain text, for titles and cards."""
    surnames = [a.split()[-1] for a in study["citation"]["authors"]]
    names = surnames[0] if len(surnames) == 1 else (
        f"{surnames[0]} and {surnames[1]}" if len(surnames) == 2 else f"{surnames[0]} et al")
    return f"{names} ({study['citation']['year']})"
